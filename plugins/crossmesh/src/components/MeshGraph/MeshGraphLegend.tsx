import { useTheme } from '@material-ui/core/styles';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  edgeColour,
  edgeDash,
  edgeStateMeaning,
  edgeStateWords,
} from './edgeStyle';
import { MESH_EDGE_STATES } from './meshGraphModel';

/** What each kind of arrow means, in words beside a sample of it. */
export function MeshGraphLegend() {
  const theme = useTheme();
  return (
    <Box component="ul" aria-label="Legend" m={0} p={0}>
      {MESH_EDGE_STATES.map(state => (
        <Box
          component="li"
          key={state}
          display="flex"
          alignItems="center"
          style={{ listStyle: 'none', gap: 8 }}
        >
          <svg width="40" height="10" aria-hidden="true" focusable="false">
            <line
              x1="0"
              y1="5"
              x2="40"
              y2="5"
              stroke={edgeColour(theme, state)}
              strokeWidth={state === 'failed' ? 3 : 2}
              strokeDasharray={edgeDash[state]}
            />
          </svg>
          <Typography variant="body2">
            <strong>{edgeStateWords[state]}</strong>: {edgeStateMeaning[state]}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
