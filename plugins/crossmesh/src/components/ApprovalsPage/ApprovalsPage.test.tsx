import { ResponseError } from '@backstage/errors';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { eastCluster, westCluster } from '../../__testUtils__/clusters';
import { FakeCrossmeshApi } from '../../__testUtils__/FakeCrossmeshApi';
import {
  allRequests,
  openReview,
  pendingRows,
  renderPage,
} from './__testUtils__/renderApprovalsPage';
import {
  activeRequest,
  alice,
  paymentsRequest,
  rejectedRequest,
  svc2Request,
} from '../../__testUtils__/requests';

function manyPending(count: number): ExposureRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    ...paymentsRequest,
    id: `req-${i}`,
    host: `svc-${String(i).padStart(3, '0')}.pay.global`,
    requestedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, count - i)).toISOString(),
  }));
}

// Each test renders a whole app, which a busy CI machine does slowly.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });

describe('ApprovalsPage', () => {
  it('lists the pending requests with their team, clusters and requester', async () => {
    renderPage();

    expect(
      screen.getByRole('heading', { name: 'Approvals', level: 1 }),
    ).toBeInTheDocument();
    expect(await pendingRows()).toEqual([
      'svc-2.bar.global',
      'payments.pay.global',
      'search.find.global',
    ]);
    const table = screen.getByRole('table', { name: 'Pending requests' });
    const svc2 = within(table).getByRole('rowheader', {
      name: 'svc-2.bar.global',
    }).parentElement!;
    expect(await within(svc2).findByText('team-bar')).toBeVisible();
    // The Component column links to the entity under its catalog title.
    expect(
      within(svc2).getByRole('link', { name: 'Checkout service' }),
    ).toHaveAttribute('href', '/catalog/default/component/svc-2');
    expect(within(svc2).getByText('east')).toBeVisible();
    expect(svc2).toHaveTextContent('west, north');
    expect(within(svc2).getByText('bob')).toBeVisible();
    expect(svc2).toHaveTextContent('2025-01-03 10:30 UTC');
    const own = within(table).getByRole('rowheader', {
      name: 'search.find.global',
    }).parentElement!;
    expect(within(own).getByText('alice (you)')).toBeVisible();
    expect(
      screen.queryByRole('table', { name: 'Decided requests' }),
    ).toBeNull();
  });

  it('filters by cluster, source or consumer, and by the owning team', async () => {
    renderPage();
    await pendingRows();

    const cluster = screen.getByRole('combobox', { name: 'Cluster' });
    await userEvent.selectOptions(cluster, 'north');
    // svc-2 goes to north, search comes from north.
    expect(await pendingRows()).toEqual([
      'svc-2.bar.global',
      'search.find.global',
    ]);

    await userEvent.selectOptions(cluster, 'west');
    expect(await pendingRows()).toEqual([
      'svc-2.bar.global',
      'payments.pay.global',
    ]);

    await userEvent.selectOptions(cluster, '');
    const team = screen.getByRole('combobox', { name: 'Team' });
    await waitFor(() =>
      expect(
        within(team)
          .getAllByRole('option')
          .map(o => o.textContent),
      ).toEqual(['All teams', 'team-bar', 'team-pay']),
    );
    await userEvent.selectOptions(team, 'group:default/team-pay');
    expect(await pendingRows()).toEqual(['payments.pay.global']);
    expect(
      screen.getByText('3 waiting for a decision, 1 match the filters'),
    ).toBeVisible();

    await userEvent.selectOptions(cluster, 'north');
    expect(
      screen.getByText('No pending request matches these filters.'),
    ).toBeVisible();
    expect(
      screen.queryByRole('table', { name: 'Pending requests' }),
    ).toBeNull();
  });

  it('reads every pending request from the API and pages through them', async () => {
    const api = new FakeCrossmeshApi({
      actor: alice,
      requests: manyPending(503),
    });
    renderPage({ api });

    expect(await pendingRows()).toHaveLength(10);
    expect(screen.getByText('503 waiting for a decision')).toBeVisible();
    expect(screen.getByText('1-10 of 503')).toBeVisible();
    expect((await pendingRows())[0]).toBe('svc-000.pay.global');

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect((await pendingRows())[0]).toBe('svc-010.pay.global');
    expect(screen.getByText('11-20 of 503')).toBeVisible();
  });

  it('opens a request with its requester, reason, namespaces and the YAML per cluster', async () => {
    renderPage();

    const dialog = await openReview('svc-2.bar.global');
    const detail = (term: string) =>
      within(dialog).getByText(term, { selector: 'dt' }).nextElementSibling;
    expect(detail('Requested by')).toHaveTextContent('bob');
    expect(detail('Reason')).toHaveTextContent(
      'Checkout in west calls svc-2 for prices',
    );
    expect(detail('End date')).toHaveTextContent('2025-06-30');
    expect(detail('Consumer namespaces')).toHaveTextContent('checkout');
    expect(detail('Team')).toHaveTextContent('team-bar');

    const west = await within(dialog).findByRole('region', {
      name: 'Manifests for west',
    });
    // The YAML's highlighter loads after the section itself.
    await waitFor(() => expect(west).toHaveTextContent('kind: ServiceEntry'));
    expect(west).toHaveTextContent('svc-2.bar.global');
    expect(west).toHaveTextContent('gateway.east.example.com');
    await waitFor(() =>
      expect(
        within(dialog).getByRole('region', { name: 'Manifests for north' }),
      ).toHaveTextContent('exportTo: - checkout'),
    );

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('approves with a comment; the request moves to Decided', async () => {
    const api = renderPage() as FakeCrossmeshApi;

    const dialog = await openReview('svc-2.bar.global');
    await within(dialog).findByRole('region', { name: 'Manifests for west' });
    await userEvent.click(
      within(dialog).getByRole('textbox', { name: 'Comment' }),
    );
    await userEvent.paste('OK until the end of June');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(
      await screen.findByText(/Approved svc-2\.bar\.global\./),
    ).toBeVisible();
    await waitFor(async () =>
      expect(await pendingRows()).toEqual([
        'payments.pay.global',
        'search.find.global',
      ]),
    );
    expect(api.requests.find(r => r.id === svc2Request.id)).toMatchObject({
      state: 'approved',
      decidedBy: alice,
      decisionComment: 'OK until the end of June',
    });

    await userEvent.click(screen.getByRole('tab', { name: 'Decided' }));
    const decided = await screen.findByRole('table', {
      name: 'Decided requests',
    });
    const row = within(decided).getByRole('rowheader', {
      name: 'svc-2.bar.global',
    }).parentElement!;
    expect(within(row).getByText('Approved')).toBeVisible();
    expect(within(row).getByText('alice')).toBeVisible();
    expect(within(row).getByText('OK until the end of June')).toBeVisible();
    expect(
      within(row)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toContain('west (consumer): Waiting to apply');
  });

  it('rejects with a comment', async () => {
    renderPage();

    const dialog = await openReview('payments.pay.global');
    await userEvent.click(
      within(dialog).getByRole('textbox', { name: 'Comment' }),
    );
    await userEvent.paste('Go through the payments API');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );

    expect(
      await screen.findByText(/Rejected payments\.pay\.global\./),
    ).toBeVisible();
    await waitFor(async () =>
      expect(await pendingRows()).not.toContain('payments.pay.global'),
    );

    await userEvent.click(screen.getByRole('tab', { name: 'Decided' }));
    const decided = await screen.findByRole('table', {
      name: 'Decided requests',
    });
    const row = within(decided).getByRole('rowheader', {
      name: 'payments.pay.global',
    }).parentElement!;
    expect(within(row).getByText('Rejected')).toBeVisible();
    expect(within(row).getByText('Go through the payments API')).toBeVisible();
    expect(within(row).getByText('Nothing applied')).toBeVisible();
  });

  it('offers no Approve on one’s own request, and says why', async () => {
    renderPage();

    const dialog = await openReview('search.find.global');
    expect(
      within(dialog).getByText(
        /You requested this yourself, so another approver has to approve it/,
      ),
    ).toBeVisible();
    expect(
      within(dialog).queryByRole('button', { name: 'Approve' }),
    ).toBeNull();
    expect(
      within(dialog).getByRole('button', { name: 'Reject' }),
    ).toBeEnabled();
  });

  it("shows the backend's refusal in the dialog and keeps the request pending", async () => {
    const api = new FakeCrossmeshApi({
      actor: alice,
      requests: allRequests,
      approverGroup: 'group:default/platform',
    });
    renderPage({ api });

    const dialog = await openReview('svc-2.bar.global');
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Approve' }),
    );

    expect(
      await within(dialog).findByText(
        'Could not approve this request: Only members of group:default/platform may approve exposure requests',
      ),
    ).toBeVisible();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    expect(await pendingRows()).toContain('svc-2.bar.global');
    expect(api.requests.find(r => r.id === svc2Request.id)?.state).toBe(
      'pending',
    );
  });

  it('shows progress while loading', async () => {
    renderPage({
      api: {
        listExposures: () => new Promise(() => {}),
        listClusters: async () => ({ items: [] }),
      },
    });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('says when no request is waiting', async () => {
    renderPage({
      api: new FakeCrossmeshApi({
        actor: alice,
        requests: [activeRequest, rejectedRequest],
      }),
    });

    expect(
      await screen.findByText('No requests are waiting for a decision'),
    ).toBeVisible();
    expect(
      screen.queryByRole('table', { name: 'Pending requests' }),
    ).toBeNull();
  });

  it("shows the API's error message and tries again", async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: 'You are not allowed to read exposure requests',
          },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    );
    const fake = new FakeCrossmeshApi({ actor: alice, requests: allRequests });
    let failures = 1;
    renderPage({
      api: {
        listClusters: async () => ({ items: [] }),
        listExposures: async query => {
          if (failures-- > 0) {
            throw error;
          }
          return fake.listExposures(query);
        },
      },
    });

    expect(
      await screen.findByText(
        /Could not load the pending requests: You are not allowed to read exposure requests/,
      ),
    ).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await pendingRows()).toHaveLength(3);
  });

  describe('Decided', () => {
    it('shows who decided, when, the comment and each cluster’s progress', async () => {
      renderPage({ route: '/decided' });

      const table = await screen.findByRole('table', {
        name: 'Decided requests',
      });
      expect(
        within(table)
          .getAllByRole('rowheader')
          .map(c => c.textContent),
      ).toEqual(['ledger.pay.global', 'legacy.old.global']);
      const ledger = within(table).getByRole('rowheader', {
        name: 'ledger.pay.global',
      }).parentElement!;
      expect(within(ledger).getByText('Applying')).toBeVisible();
      expect(within(ledger).getByText('dave')).toBeVisible();
      expect(ledger).toHaveTextContent('2024-12-02 11:15 UTC');
      expect(
        within(ledger).getByText('Fine for the audit period'),
      ).toBeVisible();
      expect(await within(ledger).findByText('team-pay')).toBeVisible();
      expect(
        within(ledger)
          .getAllByRole('listitem')
          .map(item => item.textContent),
      ).toContain('east (consumer): Applied');
      expect(
        within(ledger)
          .getAllByRole('listitem')
          .map(item => item.textContent),
      ).toContain('north (consumer): Failed: cluster north did not answer');
    });

    it("shows the platform team's changes of the mesh under a request since its approval", async () => {
      const api = new FakeCrossmeshApi({
        actor: alice,
        requests: [
          {
            ...activeRequest,
            meshFactChanges: [
              {
                cluster: activeRequest.sourceCluster,
                fact: 'network',
                from: 'network-1',
                to: 'network-9',
                changedBy: 'user:default/carol',
                changedAt: '2026-06-03T09:30:00.000Z',
                auditEventId: 7,
              },
            ],
          },
        ],
        clusters: [eastCluster, westCluster],
      });
      renderPage({ api, route: '/decided' });

      const table = await screen.findByRole('table', {
        name: 'Decided requests',
      });
      expect(
        within(table).getByRole('note', {
          name: 'Mesh changes since approval',
        }),
      ).toHaveTextContent(
        `carol changed the network of ${activeRequest.sourceCluster} from network-1 to network-9 (2026-06-03 09:30 UTC, audit event 7)`,
      );
    });

    it('filters by cluster in the backend and pages', async () => {
      const decided = Array.from({ length: 12 }, (_, i) => ({
        ...rejectedRequest,
        id: `old-${i}`,
        host: `old-${String(i).padStart(2, '0')}.old.global`,
        consumerClusters: [i % 2 ? 'west' : 'north'],
        requestedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, 12 - i)).toISOString(),
      }));
      const api = new FakeCrossmeshApi({
        actor: alice,
        requests: decided,
        clusters: [eastCluster, westCluster],
      });
      const listExposures = jest.spyOn(api, 'listExposures');
      renderPage({ api, route: '/decided' });

      await screen.findByRole('table', { name: 'Decided requests' });
      expect(screen.getByText('1-10 of 12')).toBeVisible();
      await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
      expect(await screen.findByText('11-12 of 12')).toBeVisible();
      expect(
        within(screen.getByRole('table', { name: 'Decided requests' }))
          .getAllByRole('rowheader')
          .map(c => c.textContent),
      ).toEqual(['old-10.old.global', 'old-11.old.global']);

      await userEvent.selectOptions(
        screen.getByRole('combobox', { name: 'Cluster' }),
        'west',
      );
      expect(await screen.findByText('1-6 of 6')).toBeVisible();
      expect(listExposures).toHaveBeenLastCalledWith(
        expect.objectContaining({ cluster: 'west', offset: 0, limit: 10 }),
      );
    });

    it('says when nothing was decided yet', async () => {
      renderPage({
        route: '/decided',
        api: new FakeCrossmeshApi({ actor: alice, requests: [svc2Request] }),
      });

      expect(
        await screen.findByText('No request has been decided yet'),
      ).toBeVisible();
    });
  });
});
