import { configure, screen, within } from '@testing-library/react';
import {
  openReview,
  pendingRows,
  renderPage,
} from './__testUtils__/renderApprovalsPage';

// usePermission caches its answer for the whole test file, so DENY has a file of its own.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });

describe('ApprovalsPage without crossmesh.exposure.decide', () => {
  it('offers no decision when the permission is denied', async () => {
    renderPage({ permission: 'DENY' });

    expect(
      await screen.findByText(
        /You can read these requests but not approve or reject them/,
      ),
    ).toBeVisible();
    expect(await pendingRows()).toHaveLength(3);
    const dialog = await openReview('svc-2.bar.global');
    expect(
      await within(dialog).findByRole('region', { name: 'Manifests for west' }),
    ).toBeVisible();
    expect(
      within(dialog).queryByRole('button', { name: 'Approve' }),
    ).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Reject' })).toBeNull();
    expect(
      within(dialog).queryByRole('textbox', { name: 'Comment' }),
    ).toBeNull();
    expect(
      within(dialog).getByText(
        /needs the crossmesh\.exposure\.decide permission/,
      ),
    ).toBeVisible();
  });
});
