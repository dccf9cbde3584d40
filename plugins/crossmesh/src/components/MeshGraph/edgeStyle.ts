import { Theme } from '@material-ui/core/styles';
import { MeshEdgeState } from './meshGraphModel';

/** Words for an edge state, for labels, the legend and the text alternative. */
export const edgeStateWords: Record<MeshEdgeState, string> = {
  active: 'active',
  applying: 'applying',
  failed: 'failed',
  pending: 'pending',
};

export const edgeStateMeaning: Record<MeshEdgeState, string> = {
  active: 'callers in the consumer cluster can reach the service',
  applying:
    'approved; being written to the clusters, or removed after a revoke',
  failed: 'a cluster could not be converged; see the request',
  pending: 'waiting for a platform engineer to approve',
};

/** Colour from the theme's palette, so that light and dark themes both work. */
export function edgeColour(theme: Theme, state: MeshEdgeState): string {
  switch (state) {
    case 'active':
      return theme.palette.success.main;
    case 'applying':
      return theme.palette.info.main;
    case 'failed':
      return theme.palette.error.main;
    default:
      return theme.palette.warning.main;
  }
}

/** Each state also has its own dash pattern, so colour is not the only signal. */
export const edgeDash: Record<MeshEdgeState, string | undefined> = {
  active: undefined,
  applying: '8 4',
  failed: '14 4 2 4',
  pending: '2 4',
};
