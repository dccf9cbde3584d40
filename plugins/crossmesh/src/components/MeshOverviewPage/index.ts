export { MeshOverviewPage } from './MeshOverviewPage';
export { MeshOverviewContent } from './MeshOverviewContent';
export { ClustersTable } from './ClustersTable';
export type { ClustersTableProps } from './ClustersTable';
