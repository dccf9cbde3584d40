import { NotFoundError } from '@backstage/errors';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeOwnerApi } from '../../__testUtils__/FakeOwnerApi';
import {
  bob,
  meshClusters,
  pendingRequest,
} from '../../__testUtils__/ownerFixtures';
import {
  exposureRows,
  fakeOwnerApi,
  renderMeshTab,
} from '../../__testUtils__/renderMeshTab';

jest.setTimeout(30_000);

async function openForm(api: FakeOwnerApi) {
  renderMeshTab({ api });
  await userEvent.click(
    await screen.findByRole('button', { name: 'Request exposure' }),
  );
  return screen.findByRole('dialog', { name: 'Request exposure' });
}

const field = (dialog: HTMLElement, name: string) =>
  within(dialog).getByRole('textbox', { name: new RegExp(`^${name}`) });

describe('the exposure request form', () => {
  it('offers the other clusters of the mesh and prefills the ports from the service', async () => {
    const dialog = await openForm(fakeOwnerApi([]));

    const clusters = within(dialog).getByRole('group', {
      name: 'Consumer clusters',
    });
    expect(
      await within(clusters).findByRole('checkbox', { name: 'cluster-1' }),
    ).not.toBeChecked();
    expect(
      within(clusters).getByRole('checkbox', { name: 'cluster-3' }),
    ).toBeInTheDocument();
    expect(
      within(clusters).queryByRole('checkbox', { name: 'cluster-2' }),
    ).not.toBeInTheDocument();

    const ports = field(dialog, 'Ports');
    await waitFor(() => expect(ports).toHaveValue('http:8000, grpc:9090'));
    expect(ports).toHaveAccessibleDescription(
      /^Prefilled from Service shop\/svc-2 in cluster-2/,
    );
    expect(within(dialog).getByLabelText(/^End date/)).toHaveAttribute(
      'type',
      'date',
    );
    expect(
      within(dialog).getByText(
        'The manifests appear here once every field is valid.',
      ),
    ).toBeInTheDocument();
  });

  it('checks each field as the person types, with the rule in words', async () => {
    const dialog = await openForm(fakeOwnerApi([]));
    const ports = field(dialog, 'Ports');
    await waitFor(() => expect(ports).toHaveValue('http:8000, grpc:9090'));

    await userEvent.clear(ports);
    await userEvent.type(ports, 'web:80');
    expect(ports).toBeInvalid();
    expect(ports).toHaveAccessibleDescription(
      /^Port name 'web' is not an Istio port name: must be '<protocol>' or '<protocol>-<suffix>'/,
    );
    await userEvent.clear(ports);
    await userEvent.type(ports, 'http-web:80');
    expect(ports).toBeValid();

    const namespaces = field(dialog, 'Consumer namespaces');
    await userEvent.type(namespaces, 'Foo_Bar');
    expect(namespaces).toBeInvalid();
    expect(namespaces).toHaveAccessibleDescription(
      "Namespace 'Foo_Bar' is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    );

    const endDate = within(dialog).getByLabelText(/^End date/);
    fireEvent.change(endDate, { target: { value: '2001-01-01' } });
    expect(endDate).toHaveAccessibleDescription(
      'The end date must be in the future',
    );

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Submit request' }),
    );
    expect(
      within(dialog).getByRole('group', { name: 'Consumer clusters' }),
    ).toHaveAccessibleDescription('Choose at least one consumer cluster');
    expect(field(dialog, 'Reason')).toHaveAccessibleDescription(
      'Say why the other clusters need this service',
    );
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'Fix the fields marked in red, then submit again.',
    );
  });

  it('shows the manifests once the form is valid, asking once typing pauses, then submits and shows the pending request', async () => {
    const api = fakeOwnerApi([]);
    const dialog = await openForm(api);
    await waitFor(() =>
      expect(field(dialog, 'Ports')).toHaveValue('http:8000, grpc:9090'),
    );

    await userEvent.click(
      await within(dialog).findByRole('checkbox', { name: 'cluster-1' }),
    );
    await userEvent.type(field(dialog, 'Consumer namespaces'), 'checkout');
    await userEvent.type(
      field(dialog, 'Reason'),
      'checkout in cluster-1 calls svc-2',
    );

    const manifests = await within(dialog).findByRole(
      'region',
      { name: 'Manifests for cluster-1' },
      { timeout: 5000 },
    );
    // The YAML is highlighted once the highlighter has loaded.
    await waitFor(() =>
      expect(manifests).toHaveTextContent('namespace: checkout'),
    );
    expect(manifests).toHaveTextContent('name: grpc');
    expect(within(dialog).getByText(/provisional/)).toBeInTheDocument();
    // Asked once typing paused, not once per key of the 33 typed into the reason.
    expect(api.previewsAsked.length).toBeLessThan(5);
    expect(api.previewsAsked[api.previewsAsked.length - 1]).toEqual({
      entityRef: 'component:default/svc-2',
      service: {
        ports: [
          { name: 'http', number: 8000 },
          { name: 'grpc', number: 9090 },
        ],
      },
      consumerClusters: ['cluster-1'],
      consumerNamespaces: ['checkout'],
      reason: 'checkout in cluster-1 calls svc-2',
    });

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Submit request' }),
    );

    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Request exposure' }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Request sent: exposing svc-2.shop.global to cluster-1 waits for approval.',
    );
    const [row] = await exposureRows();
    expect(within(row).getByRole('rowheader')).toHaveTextContent('cluster-1');
    expect(within(row).getByText('Pending approval')).toBeInTheDocument();
    expect(row).toHaveTextContent('http:8000, grpc:9090');
    expect(row).toHaveTextContent('Requested by bob');
    expect(
      within(row).getByRole('button', { name: 'Cancel request' }),
    ).toBeInTheDocument();
    expect(api.requests).toEqual([
      expect.objectContaining({
        state: 'pending',
        requestedBy: bob,
        consumerClusters: ['cluster-1'],
        consumerNamespaces: ['checkout'],
      }),
    ]);
  });

  it("shows the backend's refusal in the preview and after submitting", async () => {
    const api = fakeOwnerApi([pendingRequest]);
    renderMeshTab({ api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Request exposure' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Request exposure',
    });
    await userEvent.click(
      await within(dialog).findByRole('checkbox', { name: 'cluster-3' }),
    );
    await userEvent.type(field(dialog, 'Reason'), 'again');

    const conflict = `Request ${pendingRequest.id} (pending) already exposes svc-2.shop.global to cluster-3; cancel or revoke it first, or ask only for other clusters`;
    await waitFor(
      () =>
        expect(
          within(dialog).getByRole('region', {
            name: 'What approval would apply',
          }),
        ).toHaveTextContent(`No preview: ${conflict}`),
      { timeout: 5000 },
    );

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Submit request' }),
    );
    expect(
      await within(dialog).findByText(`The request was not sent: ${conflict}`),
    ).toBeInTheDocument();
    expect(api.requests).toHaveLength(1);
  });

  it('says why the ports could not be prefilled and lets the person type them', async () => {
    const api = new FakeOwnerApi({
      actor: bob,
      requests: [],
      clusters: meshClusters,
      ports: new NotFoundError(
        'Service shop/svc-2 was not found in cluster cluster-2, and component:default/svc-2 has no crossmesh.io/ports annotation; deploy the Service, or annotate the entity with its ports (crossmesh.io/ports: "http:8000")',
      ),
    });
    const dialog = await openForm(api);
    const ports = field(dialog, 'Ports');
    await waitFor(() =>
      expect(ports).toHaveAccessibleDescription(
        /^Could not prefill the ports: Service shop\/svc-2 was not found in cluster cluster-2/,
      ),
    );
    expect(ports).toHaveValue('');
    await userEvent.type(ports, 'http:8000');
    expect(ports).toBeValid();
  });
});
