import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isCrossmeshAvailable } from '../components/EntityMeshContent/isCrossmeshAvailable';

/**
 * The Mesh tab of a Component crossmesh can expose.
 *
 * @alpha
 */
export const entityMeshContent = EntityContentBlueprint.make({
  name: 'mesh',
  params: {
    path: 'crossmesh',
    title: 'Mesh',
    filter: isCrossmeshAvailable,
    loader: () =>
      import('../components/EntityMeshContent').then(m => (
        <m.EntityMeshContent />
      )),
  },
});
