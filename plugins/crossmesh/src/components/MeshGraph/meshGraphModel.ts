import {
  ExposureRequest,
  ExposureRequestState,
  OPEN_EXPOSURE_STATES,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/** How an edge of the graph is drawn. */
export type MeshEdgeState = 'active' | 'applying' | 'failed' | 'pending';

/** Drawing order, and the order of the legend. */
export const MESH_EDGE_STATES: MeshEdgeState[] = [
  'active',
  'applying',
  'failed',
  'pending',
];

/** Requests the graph shows: those in force and those on their way in or out. */
export const GRAPH_REQUEST_STATES: ExposureRequestState[] = [
  ...OPEN_EXPOSURE_STATES,
];

/** One exposure as seen from one consumer cluster. */
export interface MeshEdge {
  requestId: string;
  host: string;
  source: string;
  consumer: string;
  state: MeshEdgeState;
  /** Why the edge failed, when it did. */
  error?: string;
}

function edgeOf(request: ExposureRequest, consumer: string): MeshEdge {
  const edge = {
    requestId: request.id,
    host: request.host,
    source: request.sourceCluster,
    consumer,
  };
  const failed = request.clusters.find(
    s =>
      s.state === 'failed' && (s.role === 'exporter' || s.cluster === consumer),
  );
  if (failed && request.state !== 'pending') {
    return {
      ...edge,
      state: 'failed',
      error: `${failed.cluster}: ${failed.lastError ?? 'failed'}`,
    };
  }
  switch (request.state) {
    case 'active':
      return { ...edge, state: 'active' };
    case 'pending':
      return { ...edge, state: 'pending' };
    default:
      return { ...edge, state: 'applying' };
  }
}

/** One edge per request and consumer cluster, from the cluster the service runs in. */
export function meshEdgesOf(requests: ExposureRequest[]): MeshEdge[] {
  return requests
    .filter(r => GRAPH_REQUEST_STATES.includes(r.state))
    .flatMap(r => r.consumerClusters.map(consumer => edgeOf(r, consumer)));
}

/** Edges between the same two clusters in the same state, drawn as one arrow. */
export interface EdgeBundle {
  source: string;
  consumer: string;
  state: MeshEdgeState;
  count: number;
  /** 0 for the first bundle from source to consumer, 1 for the next... */
  lane: number;
}

export function bundleEdges(edges: MeshEdge[]): EdgeBundle[] {
  const bundles = new Map<string, EdgeBundle>();
  const lanes = new Map<string, number>();
  const ordered = [...edges].sort(
    (a, b) =>
      MESH_EDGE_STATES.indexOf(a.state) - MESH_EDGE_STATES.indexOf(b.state),
  );
  for (const edge of ordered) {
    const pair = JSON.stringify([edge.source, edge.consumer]);
    const key = JSON.stringify([edge.source, edge.consumer, edge.state]);
    const bundle = bundles.get(key);
    if (bundle) {
      bundle.count += 1;
      continue;
    }
    const lane = lanes.get(pair) ?? 0;
    lanes.set(pair, lane + 1);
    bundles.set(key, {
      source: edge.source,
      consumer: edge.consumer,
      state: edge.state,
      count: 1,
      lane,
    });
  }
  return [...bundles.values()];
}

/** Where a node is drawn: its centre. */
export interface Point {
  x: number;
  y: number;
}

/** Places the clusters on an ellipse, the first on the left. */
export function layoutNodes(
  names: string[],
  area: { width: number; height: number; marginX: number; marginY: number },
): Map<string, Point> {
  const cx = area.width / 2;
  const cy = area.height / 2;
  const rx = cx - area.marginX;
  const ry = cy - area.marginY;
  return new Map(
    names.map((name, i) => {
      if (names.length === 1) return [name, { x: cx, y: cy }];
      const angle = Math.PI + (2 * Math.PI * i) / names.length;
      return [
        name,
        { x: cx + rx * Math.cos(angle), y: cy + ry * Math.sin(angle) },
      ];
    }),
  );
}

/** Where a ray from a box's centre in direction (dx, dy) leaves the box. */
function exitPoint(
  centre: Point,
  dx: number,
  dy: number,
  half: { width: number; height: number },
): Point {
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  const t = Math.min(
    ux === 0 ? Infinity : half.width / Math.abs(ux),
    uy === 0 ? Infinity : half.height / Math.abs(uy),
  );
  return { x: centre.x + ux * t, y: centre.y + uy * t };
}

/**
 * A curved arrow from one node box to another, bent `bend` to its left so that the
 * arrows of both directions and of several states stay apart; `label` is its middle.
 */
export function curvedEdge(
  from: Point,
  to: Point,
  bend: number,
  half: { width: number; height: number },
): { path: string; label: Point } {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  const normal = { x: dy / length, y: -dx / length };
  // A quadratic curve passes its control point's offset halfway: double it.
  const control = {
    x: (from.x + to.x) / 2 + normal.x * bend * 2,
    y: (from.y + to.y) / 2 + normal.y * bend * 2,
  };
  const start = exitPoint(from, control.x - from.x, control.y - from.y, half);
  const end = exitPoint(to, control.x - to.x, control.y - to.y, half);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    path: `M ${round(start.x)} ${round(start.y)} Q ${round(control.x)} ${round(
      control.y,
    )} ${round(end.x)} ${round(end.y)}`,
    label: {
      x: (start.x + 2 * control.x + end.x) / 4,
      y: (start.y + 2 * control.y + end.y) / 4,
    },
  };
}
