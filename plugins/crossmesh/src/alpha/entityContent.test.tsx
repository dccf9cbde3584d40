import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import { crossmeshApiRef } from '../api';
import { fakeOwnerApi } from '../__testUtils__/renderMeshTab';
import {
  bob,
  pendingRequest,
  svc2,
  teamB,
} from '../__testUtils__/ownerFixtures';
import { entityMeshContent } from './entityContent';
import crossmeshPlugin from './plugin';

describe('the Mesh entity tab', () => {
  it('is an extension of the plugin', () => {
    expect(
      crossmeshPlugin.getExtension('entity-content:crossmesh/mesh'),
    ).toBeDefined();
  });

  it("is titled Mesh at the entity's crossmesh path, for annotated Components only", () => {
    const tester = createExtensionTester(entityMeshContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('crossmesh');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Mesh');

    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(svc2)).toBe(true);
    expect(filter({ ...svc2, kind: 'API' })).toBe(false);
    expect(
      filter({ ...svc2, metadata: { name: 'svc-1', annotations: {} } }),
    ).toBe(false);
  });

  it('shows the exposures of the entity', async () => {
    const tester = createExtensionTester(entityMeshContent);
    renderInTestApp(
      <EntityProvider entity={svc2}>{tester.reactElement()}</EntityProvider>,
      {
        apis: [
          [crossmeshApiRef, fakeOwnerApi([pendingRequest])],
          mockApis.identity({
            userEntityRef: bob,
            ownershipEntityRefs: [bob, teamB],
          }),
        ],
      },
    );
    expect(
      await screen.findByRole('table', { name: 'Exposures' }),
    ).toHaveTextContent('Pending approval');
  });
});
