import { renderTestApp } from '@backstage/frontend-test-utils';
import crossmeshPlugin from '@crossmesh/backstage-plugin-crossmesh/alpha';
import { crossmeshApiRef } from '@crossmesh/backstage-plugin-crossmesh';
import { notificationsApiRef } from '@backstage/plugin-notifications';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import { screen } from '@testing-library/react';
import { navModule } from '.';

describe('SidebarContent', () => {
  it('links to the mesh overview and the approvals inbox', async () => {
    renderTestApp({
      features: [navModule, crossmeshPlugin, notificationsPlugin],
      apis: [
        [crossmeshApiRef, { listClusters: async () => ({ items: [] }) }],
        [
          notificationsApiRef,
          {
            getStatus: async () => ({ unread: 0, read: 0 }),
            getNotifications: async () => ({
              notifications: [],
              totalCount: 0,
            }),
          },
        ],
      ],
    });

    const nav = await screen.findByRole('navigation', { name: 'sidebar nav' });
    expect(await screen.findByRole('link', { name: 'Mesh' })).toHaveAttribute(
      'href',
      '/crossmesh',
    );
    expect(nav).toContainElement(screen.getByRole('link', { name: 'Mesh' }));
    const approvals = screen.getByRole('link', { name: 'Approvals' });
    expect(approvals).toHaveAttribute('href', '/crossmesh/approvals');
    expect(nav).toContainElement(approvals);
  });
});
