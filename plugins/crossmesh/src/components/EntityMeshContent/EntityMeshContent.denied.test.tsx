import { screen } from '@testing-library/react';
import {
  actionButtons,
  exposureRows,
  fakeOwnerApi,
  NOT_OWNER_NOTE,
  renderMeshTab,
} from '../../__testUtils__/renderMeshTab';
import {
  activeRequest,
  pendingRequest,
} from '../../__testUtils__/ownerFixtures';

// Alone in its file: usePermission caches answers per permission for the whole module.
describe('EntityMeshContent when the permission policy denies crossmesh.exposure.request', () => {
  it('offers no actions, even to an owner', async () => {
    renderMeshTab({
      api: fakeOwnerApi([activeRequest, pendingRequest]),
      allowed: false,
    });
    expect(await screen.findByText(NOT_OWNER_NOTE)).toBeInTheDocument();
    expect(await exposureRows()).toHaveLength(2);
    expect(actionButtons()).toEqual([]);
  });
});
