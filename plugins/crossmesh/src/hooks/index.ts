export { useMeshClusters } from './useMeshClusters';
