import { ResponseError } from '@backstage/errors';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeOwnerApi } from '../../__testUtils__/FakeOwnerApi';
import {
  activeRequest,
  pendingRequest,
} from '../../__testUtils__/ownerFixtures';
import {
  exposureRows,
  actionButtons,
  NOT_OWNER_NOTE,
  fakeOwnerApi,
  renderMeshTab,
  rowWith,
} from '../../__testUtils__/renderMeshTab';

describe('EntityMeshContent', () => {
  it('shows each request with its host, VIP, ports, state, per-cluster progress, decision and end date', async () => {
    renderMeshTab({ api: fakeOwnerApi([activeRequest, pendingRequest]) });

    const rows = await exposureRows();
    expect(rows).toHaveLength(2);
    const [pending, active] = rows;

    expect(
      within(active).getByRole('rowheader', { name: /cluster-1.*cluster-3/ }),
    ).toBeInTheDocument();
    expect(active).toHaveTextContent('svc-2.shop.global');
    expect(active).toHaveTextContent('240.0.12.7');
    expect(active).toHaveTextContent('http:8000');
    expect(active).toHaveTextContent('checkout');
    expect(within(active).getByText('Active')).toBeInTheDocument();
    expect(active).toHaveTextContent(/cluster-1\s*Applied/);
    expect(active).toHaveTextContent(
      "Failed: crossmesh's credentials are not allowed to do this (403): serviceentries is forbidden",
    );
    expect(active).toHaveTextContent(
      'Approved by carol on 2026-05-02 14:05 UTC',
    );
    expect(active).toHaveTextContent('“ok for the shop”');
    expect(active).toHaveTextContent('2027-01-31');

    expect(within(pending).getByText('Pending approval')).toBeInTheDocument();
    expect(pending).toHaveTextContent('VIP allocated at approval');
    expect(pending).toHaveTextContent('Not decided');
    expect(pending).toHaveTextContent('All namespaces');
    expect(pending).toHaveTextContent('No end date');
    expect(pending).toHaveTextContent(
      'Requested by bob on 2026-06-01 08:00 UTC',
    );
  });

  it("shows the platform team's changes of the mesh under an approved exposure since its approval", async () => {
    renderMeshTab({
      api: fakeOwnerApi([
        {
          ...activeRequest,
          meshFactChanges: [
            {
              cluster: 'cluster-2',
              fact: 'gatewayAddress',
              from: null,
              to: '192.0.2.99',
              changedBy: 'user:default/carol',
              changedAt: '2026-06-03T09:30:00.000Z',
              auditEventId: 41,
            },
          ],
        },
        pendingRequest,
      ]),
    });

    const [pending, active] = await exposureRows();
    expect(
      within(active).getByRole('note', { name: 'Mesh changes since approval' }),
    ).toHaveTextContent(
      'Changed since approval:carol changed the gateway address of cluster-2 from (none) to 192.0.2.99 (2026-06-03 09:30 UTC, audit event 41)',
    );
    expect(
      within(pending).queryByRole('note', {
        name: 'Mesh changes since approval',
      }),
    ).not.toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    renderMeshTab({
      api: { listExposures: () => new Promise(() => {}) },
    });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says the component is not exposed anywhere yet and offers the request button', async () => {
    renderMeshTab({ api: fakeOwnerApi([]) });
    expect(
      await screen.findByText('Not exposed anywhere yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Exposures of svc-2' }),
    ).toHaveTextContent(
      /svc-2 is reachable only inside cluster-2\..*call it as svc-2\.shop\.global/,
    );
    expect(
      screen.getByRole('button', { name: 'Request exposure' }),
    ).toBeEnabled();
  });

  it("shows the backend's message when the list cannot be loaded, and tries again", async () => {
    const api = fakeOwnerApi([pendingRequest]);
    let failures = 1;
    const listExposures = async (
      ...args: Parameters<FakeOwnerApi['listExposures']>
    ) => {
      if (failures-- > 0) {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'NotAllowedError',
                message: 'You are not allowed to read crossmesh.exposure.read',
              },
              response: { statusCode: 403 },
            }),
            { status: 403, headers: { 'Content-Type': 'application/json' } },
          ),
        );
      }
      return api.listExposures(...args);
    };
    renderMeshTab({ api: { ...api, listExposures } });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the exposures of svc-2: You are not allowed to read crossmesh.exposure.read',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await exposureRows()).toHaveLength(1);
  });

  it('lets an owner cancel a pending request', async () => {
    const api = fakeOwnerApi([activeRequest, pendingRequest]);
    renderMeshTab({ api });

    const pending = rowWith(await exposureRows(), 'Pending approval');
    expect(
      within(rowWith(await exposureRows(), 'Active')).queryByRole('button', {
        name: 'Cancel request',
      }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(pending).getByRole('button', { name: 'Cancel request' }),
    );

    expect(await within(pending).findByText('Cancelled')).toBeInTheDocument();
    expect(
      within(pending).queryByRole('button', { name: 'Cancel request' }),
    ).not.toBeInTheDocument();
    expect(api.requests.find(r => r.id === pendingRequest.id)?.state).toBe(
      'cancelled',
    );
  });

  it('asks before revoking an active exposure, and keeps it when told to', async () => {
    const api = fakeOwnerApi([activeRequest]);
    renderMeshTab({ api });

    const active = rowWith(await exposureRows(), 'Active');
    await userEvent.click(
      within(active).getByRole('button', { name: 'Revoke' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Revoke exposure?',
    });
    expect(dialog).toHaveAccessibleDescription(
      /svc-2\.shop\.global will no longer be reachable from cluster-1, cluster-3/,
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Keep it' }),
    );
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.requests[0].state).toBe('active');

    await userEvent.click(
      within(active).getByRole('button', { name: 'Revoke' }),
    );
    await userEvent.click(
      within(
        await screen.findByRole('dialog', { name: 'Revoke exposure?' }),
      ).getByRole('button', { name: 'Revoke exposure' }),
    );

    expect(await within(active).findByText('Revoking')).toBeInTheDocument();
    expect(api.requests[0].state).toBe('revoking');
    expect(
      within(active).queryByRole('button', { name: 'Revoke' }),
    ).not.toBeInTheDocument();
  });

  it('shows why a revoke failed inside the dialog', async () => {
    const api = fakeOwnerApi([activeRequest]);
    renderMeshTab({ api });

    const active = rowWith(await exposureRows(), 'Active');
    // Someone else revoked it meanwhile: the backend answers 409.
    api.requests[0].state = 'revoking';
    await userEvent.click(
      within(active).getByRole('button', { name: 'Revoke' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Revoke exposure?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke exposure' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      `Not revoked: Cannot revoke request ${activeRequest.id}: it is revoking`,
    );
  });

  // The permission-denied case is in EntityMeshContent.denied.test.tsx: usePermission caches
  // answers per permission for the whole module.
  it('offers no actions to someone who does not own the component', async () => {
    renderMeshTab({
      api: fakeOwnerApi([activeRequest, pendingRequest]),
      owner: false,
    });
    expect(await screen.findByText(NOT_OWNER_NOTE)).toBeInTheDocument();
    expect(await exposureRows()).toHaveLength(2);
    expect(actionButtons()).toEqual([]);
  });
});
