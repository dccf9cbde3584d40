export { MeshGraph } from './MeshGraph';
export type { MeshGraphProps } from './MeshGraph';
export { MeshGraphCard } from './MeshGraphCard';
export type { MeshGraphCardProps } from './MeshGraphCard';
export type { MeshEdge, MeshEdgeState } from './meshGraphModel';
