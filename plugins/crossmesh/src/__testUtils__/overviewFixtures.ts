import { ResponseError } from '@backstage/errors';
import {
  AuditEvent,
  ClusterReconcileStatus,
  ExposureRequest,
  MeshCluster,
  PreflightReport,
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshApi } from '../api';
import { downCluster, eastCluster, westCluster } from './clusters';

const DAY = 24 * 3600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

export const dnsProxyWest: MeshCluster = {
  ...westCluster,
  dnsCapture: 'enabled',
  dnsCaptureDetail: 'ISTIO_META_DNS_CAPTURE is "true" in the mesh config',
};

export const clusters = [eastCluster, dnsProxyWest, downCluster];

/** East, registered in the mesh on network-1. */
export const eastMember: MeshCluster = {
  ...eastCluster,
  membership: {
    cluster: 'east',
    network: 'network-1',
    gatewayAddress: null,
    gatewayPort: null,
    keyType: null,
    onboardedAt: '2026-11-25T10:00:00.000Z',
    onboardedBy: 'user:default/carol',
    updatedAt: '2026-11-25T10:00:00.000Z',
    updatedBy: 'user:default/carol',
  },
};

export function trustState(): TrustState {
  const intermediate = (clusterName: string, notAfter: string) => ({
    id: `int-${clusterName}`,
    clusterName,
    rootId: 'root-1',
    certPem: '',
    keyType: 'rsa-4096',
    serial: '01',
    fingerprintSha256: 'ab',
    notBefore: at(-DAY),
    notAfter,
    state: 'current' as const,
    createdAt: at(-DAY),
    createdBy: 'user:default/carol',
  });
  return {
    mode: 'managed',
    roots: [
      {
        id: 'root-1',
        certPem: '',
        keyType: 'rsa-4096',
        fingerprintSha256: 'cd',
        serial: '00',
        subject: 'O=Istio, CN=Root CA',
        notAfter: at(3650 * DAY + 3600_000),
        source: 'generated',
        state: 'active',
        holdsKey: true,
        createdAt: at(-DAY),
        createdBy: 'user:default/carol',
      },
    ],
    intermediates: [
      intermediate('east', at(365 * DAY + 3600_000)),
      intermediate('west', at(10 * DAY + 3600_000)),
    ],
    pendingCsrs: [],
    renewalWindowDays: 30,
    keyEncryption: { ok: true },
    workloadCertificateTtlSeconds: 86_400,
    rotationWait: null,
    confirmations: [],
    rotation: {
      phase: 'idle',
      oldRootId: null,
      newRootId: null,
      updatedAt: at(-DAY),
      updatedBy: 'user:default/carol',
    },
  };
}

export const drift: TrustInspection[] = [
  {
    cluster: 'east',
    report: { status: 'ok', detail: 'chain verifies to the root' },
    replacedBySomeoneElse: false,
    drift: false,
  },
  {
    cluster: 'west',
    report: {
      status: 'expiring',
      detail: 'the intermediate expires in 10 days',
    },
    replacedBySomeoneElse: false,
    drift: false,
  },
  {
    cluster: 'down',
    replacedBySomeoneElse: false,
    drift: false,
    error: 'cannot reach the API server (ECONNREFUSED)',
  },
];

export function reconcileStatus(): ClusterReconcileStatus[] {
  const finishedAt = at(-5 * 60_000);
  return [
    {
      cluster: 'down',
      finishedAt,
      ok: false,
      error: 'cannot reach the API server (ECONNREFUSED)',
      applied: 0,
      removed: 0,
      dns: null,
      dnsError: null,
    },
    {
      cluster: 'east',
      finishedAt,
      ok: true,
      error: null,
      applied: 2,
      removed: 1,
      dns: 'wired',
      dnsError: null,
    },
    {
      cluster: 'west',
      finishedAt,
      ok: true,
      error: null,
      applied: 0,
      removed: 0,
      dns: 'not-needed',
      dnsError: null,
    },
  ];
}

export function exposure(
  id: string,
  changes: Partial<ExposureRequest>,
): ExposureRequest {
  const name = changes.service?.name ?? id;
  return {
    id,
    entityRef: `component:default/${name}`,
    service: { name, namespace: 'bar', ports: [{ name: 'http', number: 80 }] },
    sourceCluster: 'west',
    consumerClusters: ['east'],
    consumerNamespaces: [],
    reason: 'test',
    endDate: null,
    state: 'active',
    host: `${name}.bar.global`,
    vip: '240.0.0.1',
    requestedBy: 'user:default/bob',
    requestedAt: at(-DAY),
    decidedBy: 'user:default/carol',
    decidedAt: at(-DAY),
    decisionComment: null,
    clusters: [],
    updatedAt: at(-DAY),
    ...changes,
  };
}

export function auditEvent(id: number, changes: Partial<AuditEvent> = {}) {
  return {
    id,
    occurredAt: '2026-11-25T10:00:00.000Z',
    actor: 'user:default/carol',
    action: 'exposure.approved',
    clusterName: 'east',
    serial: null,
    fingerprintSha256: null,
    details: { requestId: 'r-1', host: 'svc-2.bar.global' },
    ...changes,
  };
}

export const preflightReport: PreflightReport = {
  cluster: 'east',
  checkedAt: '2026-11-25T10:00:00.000Z',
  ok: false,
  checks: [
    {
      id: 'api-reachable',
      title: 'The API server answers',
      status: 'pass',
      detail: 'Kubernetes v1.30.0',
    },
    {
      id: 'access:create:serviceentries.networking.istio.io',
      title: 'crossmesh may create ServiceEntries',
      status: 'fail',
      detail: 'user crossmesh cannot create serviceentries in any namespace',
      remedy:
        'Bind the crossmesh user to a ClusterRole that allows create on serviceentries.networking.istio.io',
    },
  ],
};

/** A fake backend answering every call the overview makes; override what a test needs. */
export function fakeApi(overrides: Partial<CrossmeshApi> = {}): CrossmeshApi {
  return {
    listClusters: async () => ({ items: clusters }),
    getTrust: async () => trustState(),
    getTrustDrift: async () => ({ items: drift }),
    getReconcileStatus: async () => ({ items: reconcileStatus() }),
    getRemoteSecrets: async () => ({ enabled: false, items: [] }),
    listExposures: async () => ({ items: [], totalCount: 0 }),
    listAuditEvents: async () => ({ items: [], totalCount: 0 }),
    getPreflight: async () => preflightReport,
    ...overrides,
  } as CrossmeshApi;
}

/** An error as the backend's error middleware sends it. */
export async function backendError(
  statusCode: number,
  name: string,
  message: string,
  code?: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message, ...(code ? { code } : {}) },
        response: { statusCode },
      }),
      { status: statusCode, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

/** A promise that never settles: the section stays loading. */
export const never = () => new Promise<never>(() => {});
