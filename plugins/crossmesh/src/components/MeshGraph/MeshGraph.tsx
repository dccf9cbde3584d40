import Box from '@material-ui/core/Box';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { useId } from 'react';
import { edgeColour, edgeDash, edgeStateWords } from './edgeStyle';
import {
  bundleEdges,
  curvedEdge,
  layoutNodes,
  MESH_EDGE_STATES,
  MeshEdge,
} from './meshGraphModel';
import { MeshGraphLegend } from './MeshGraphLegend';

const WIDTH = 720;
const HEIGHT = 400;
/** Two clusters sit side by side: the picture needs little height. */
const HEIGHT_FOR_TWO = 200;
const NODE = { width: 136, height: 40 };
const HALF = { width: NODE.width / 2 + 2, height: NODE.height / 2 + 2 };

const useStyles = makeStyles({
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    margin: -1,
    padding: 0,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
});

/**
 * Props of {@link MeshGraph}.
 *
 * @internal
 */
export interface MeshGraphProps {
  /** The clusters to draw, in order; unreachable ones are drawn dashed. */
  clusters: Array<{ name: string; reachable?: boolean }>;
  edges: MeshEdge[];
}

function truncate(name: string) {
  return name.length > 18 ? `${name.slice(0, 17)}…` : name;
}

/**
 * The mesh as a picture: clusters as boxes, exposures as arrows from the cluster a
 * service runs in to each cluster that may call it, one arrow per state with a count.
 * A visually hidden list says the same in words.
 *
 * @internal
 */
export function MeshGraph({ clusters, edges }: MeshGraphProps) {
  const theme = useTheme();
  const classes = useStyles();
  const id = useId();
  const height = clusters.length <= 2 ? HEIGHT_FOR_TWO : HEIGHT;
  const positions = layoutNodes(
    clusters.map(c => c.name),
    {
      width: WIDTH,
      height,
      marginX: NODE.width / 2 + 16,
      marginY: NODE.height / 2 + 24,
    },
  );
  const bundles = bundleEdges(edges);
  const text = theme.palette.text.primary;
  const paper = theme.palette.background.paper;

  return (
    <Box>
      <svg
        role="img"
        aria-label="Mesh graph"
        aria-describedby={`${id}-description`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        style={{ maxHeight: height, display: 'block' }}
      >
        <defs>
          {MESH_EDGE_STATES.map(state => (
            <marker
              key={state}
              id={`${id}-arrow-${state}`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" fill={edgeColour(theme, state)} />
            </marker>
          ))}
        </defs>
        {bundles.map(bundle => {
          const from = positions.get(bundle.source);
          const to = positions.get(bundle.consumer);
          if (!from || !to) return null;
          const { path, label } = curvedEdge(
            from,
            to,
            18 + bundle.lane * 26,
            HALF,
          );
          const colour = edgeColour(theme, bundle.state);
          return (
            <g key={`${bundle.source}>${bundle.consumer}:${bundle.state}`}>
              <path
                d={path}
                fill="none"
                stroke={colour}
                strokeWidth={bundle.state === 'failed' ? 3 : 2}
                strokeDasharray={edgeDash[bundle.state]}
                markerEnd={`url(#${id}-arrow-${bundle.state})`}
              />
              <text
                x={label.x}
                y={label.y}
                textAnchor="middle"
                dominantBaseline="middle"
                fontSize={12}
                fill={text}
                stroke={paper}
                strokeWidth={4}
                paintOrder="stroke"
              >
                {bundle.count} {edgeStateWords[bundle.state]}
              </text>
            </g>
          );
        })}
        {clusters.map(cluster => {
          const at = positions.get(cluster.name)!;
          const down = cluster.reachable === false;
          return (
            <g key={cluster.name}>
              <rect
                x={at.x - NODE.width / 2}
                y={at.y - NODE.height / 2}
                width={NODE.width}
                height={NODE.height}
                rx={6}
                fill={paper}
                stroke={down ? theme.palette.error.main : text}
                strokeDasharray={down ? '4 3' : undefined}
              />
              <text
                x={at.x}
                y={at.y + (down ? -6 : 0)}
                textAnchor="middle"
                dominantBaseline="middle"
                fontSize={14}
                fill={text}
              >
                {truncate(cluster.name)}
              </text>
              {down && (
                <text
                  x={at.x}
                  y={at.y + 11}
                  textAnchor="middle"
                  dominantBaseline="middle"
                  fontSize={11}
                  fill={text}
                >
                  unreachable
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <div id={`${id}-description`} className={classes.visuallyHidden}>
        <p>
          Clusters:{' '}
          {clusters
            .map(
              c => `${c.name}${c.reachable === false ? ' (unreachable)' : ''}`,
            )
            .join(', ')}
          .
        </p>
        {edges.length === 0 ? (
          <p>No active or in-flight exposures.</p>
        ) : (
          <ul aria-label="Edges of the mesh graph">
            {edges.map(edge => (
              <li key={`${edge.requestId}>${edge.consumer}`}>
                {edge.host}: from {edge.source} to {edge.consumer},{' '}
                {edgeStateWords[edge.state]}
                {edge.error ? ` (${edge.error})` : ''}
              </li>
            ))}
          </ul>
        )}
      </div>
      <MeshGraphLegend />
    </Box>
  );
}
