import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AuditEventQuery } from '@crossmesh/backstage-plugin-crossmesh-common';
import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CrossmeshApi, crossmeshApiRef } from '../../api';
import {
  auditEvent,
  backendError,
  fakeApi,
  never,
} from '../../__testUtils__/overviewFixtures';
import { AuditLogCard } from './AuditLogCard';

jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

function renderCard(overrides: Partial<CrossmeshApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[crossmeshApiRef, fakeApi(overrides)]]}>
      <AuditLogCard />
    </TestApiProvider>,
  );
}

/** A backend of 60 events, newest first, that honours the filters and the page. */
function auditBackend() {
  const all = Array.from({ length: 60 }, (_, i) =>
    auditEvent(60 - i, {
      occurredAt: new Date(Date.UTC(2026, 10, 25, 10, 60 - i)).toISOString(),
      clusterName: i % 2 ? 'west' : 'east',
      actor: i % 3 ? 'crossmesh:reconciler' : 'user:default/carol',
      action: i % 3 ? 'cluster.converged' : 'exposure.approved',
    }),
  );
  return jest.fn(async (query: AuditEventQuery = {}) => {
    const matching = all.filter(
      e =>
        (!query.clusterName || e.clusterName === query.clusterName) &&
        (!query.action || e.action === query.action) &&
        (!query.actor || e.actor === query.actor),
    );
    const offset = query.offset ?? 0;
    return {
      items: matching.slice(offset, offset + (query.limit ?? 50)),
      totalCount: matching.length,
    };
  });
}

function bodyRows(table: HTMLElement) {
  return within(table).getAllByRole('row').slice(1);
}

describe('AuditLogCard', () => {
  it('lists the newest events first, a page at a time', async () => {
    const listAuditEvents = auditBackend();
    renderCard({ listAuditEvents });

    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(listAuditEvents).toHaveBeenLastCalledWith({ limit: 25, offset: 0 });
    const rows = bodyRows(table);
    expect(rows).toHaveLength(25);
    expect(
      within(rows[0])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      '2026-11-25 11:00:00 UTC',
      'user:default/carol',
      'exposure.approved',
      'east',
      'requestId: r-1, host: svc-2.bar.global',
    ]);
    expect(screen.getByText('1-25 of 60')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('26-50 of 60');
    expect(listAuditEvents).toHaveBeenLastCalledWith({
      limit: 25,
      offset: 25,
    });
    expect(
      bodyRows(screen.getByRole('table', { name: 'Audit log' }))[0],
    ).toHaveTextContent('2026-11-25 10:35:00 UTC');
  });

  it('filters by cluster, action and actor, from the first page', async () => {
    const listAuditEvents = auditBackend();
    renderCard({ listAuditEvents });
    await screen.findByRole('table', { name: 'Audit log' });
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('26-50 of 60');

    await userEvent.type(screen.getByLabelText('Cluster'), 'east');
    await userEvent.type(screen.getByLabelText('Actor'), 'user:default/carol');
    await userEvent.click(
      screen.getByRole('button', { name: 'Apply filters' }),
    );

    await screen.findByText('1-10 of 10');
    expect(listAuditEvents).toHaveBeenLastCalledWith({
      clusterName: 'east',
      actor: 'user:default/carol',
      limit: 25,
      offset: 0,
    });
    const rows = bodyRows(screen.getByRole('table', { name: 'Audit log' }));
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row).toHaveTextContent(/user:default\/carol.*east/);
    }

    await userEvent.type(
      screen.getByLabelText('Action'),
      'nothing.like.this{Enter}',
    );
    expect(
      await screen.findByText('No audit events match these filters.'),
    ).toBeInTheDocument();
    expect(listAuditEvents).toHaveBeenLastCalledWith({
      clusterName: 'east',
      actor: 'user:default/carol',
      action: 'nothing.like.this',
      limit: 25,
      offset: 0,
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await screen.findByText('1-25 of 60');
    expect(screen.getByLabelText('Cluster')).toHaveValue('');
  });

  it('says when there are no events yet', async () => {
    renderCard({
      listAuditEvents: async () => ({ items: [], totalCount: 0 }),
    });

    expect(await screen.findByText(/No audit events yet/)).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    renderCard({ listAuditEvents: never });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it("shows the backend's message when the log cannot be read, and reloads", async () => {
    const forbidden = await backendError(
      403,
      'NotAllowedError',
      'You are not allowed to read crossmesh.audit.read',
    );
    const listAuditEvents = jest
      .fn()
      .mockRejectedValueOnce(forbidden)
      .mockResolvedValueOnce({ items: [auditEvent(1)], totalCount: 1 });
    renderCard({ listAuditEvents });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the audit log: You are not allowed to read crossmesh.audit.read',
    );
    expect(screen.queryByRole('table', { name: 'Audit log' })).toBeNull();

    await userEvent.click(
      screen.getByRole('button', { name: 'Reload the audit log' }),
    );
    expect(
      await screen.findByRole('table', { name: 'Audit log' }),
    ).toBeInTheDocument();
  });
});
