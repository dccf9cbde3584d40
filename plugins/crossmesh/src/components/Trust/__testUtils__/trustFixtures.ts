import {
  TrustConfirmation,
  TrustInspection,
  TrustIntermediate,
  TrustRoot,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';

const DAY = 86_400_000;
export const NOW = Date.parse('2026-12-01T12:00:00.000Z');
export const at = (days: number) => new Date(NOW + days * DAY).toISOString();

export function root(id: string, changes: Partial<TrustRoot> = {}): TrustRoot {
  return {
    id,
    certPem: '',
    keyType: 'rsa-4096',
    fingerprintSha256: `AB:CD:${id.toUpperCase()}`,
    serial: '01',
    subject: 'O=Istio, CN=Root CA',
    notAfter: at(3650),
    source: 'generated',
    state: 'active',
    holdsKey: true,
    createdAt: at(-10),
    createdBy: 'user:default/carol',
    ...changes,
  };
}

export function intermediate(
  clusterName: string,
  rootId: string,
  changes: Partial<TrustIntermediate> = {},
): TrustIntermediate {
  return {
    id: `int-${clusterName}-${rootId}`,
    clusterName,
    rootId,
    certPem: '',
    keyType: 'rsa-4096',
    serial: '0A1B',
    fingerprintSha256: 'EF',
    notBefore: at(-10),
    notAfter: at(720),
    state: 'current',
    createdAt: at(-10),
    createdBy: 'user:default/carol',
    ...changes,
  };
}

/** A root operation `requestedBy` asked for, waiting for a second platform member. */
export function pendingConfirmation(
  action: TrustConfirmation['action'],
  about: TrustRoot,
  requestedBy: string,
): TrustConfirmation {
  return {
    id: `confirm-${action}`,
    action,
    fingerprintSha256: about.fingerprintSha256,
    root: {
      certPem: about.certPem,
      subject: about.subject,
      serial: about.serial,
      notAfter: about.notAfter,
      keyType: about.keyType,
      source: about.source,
    },
    summary:
      action === 'rotation.start'
        ? `Rotate the mesh's root to the root ${about.subject} (SHA-256 ${about.fingerprintSha256})`
        : `Stop trusting the old root ${about.subject} (SHA-256 ${about.fingerprintSha256}) in every cluster`,
    state: 'pending',
    requestedBy,
    requestedAt: at(0),
    expiresAt: at(1),
    confirmedBy: null,
    confirmedAt: null,
  };
}

/** A mesh of `east` and `west` at some point of its trust's life. */
export function meshTrust(changes: Partial<TrustState> = {}): TrustState {
  return {
    mode: 'managed',
    roots: [],
    intermediates: [],
    pendingCsrs: [],
    rotation: {
      phase: 'idle',
      oldRootId: null,
      newRootId: null,
      updatedAt: at(-10),
      updatedBy: 'user:default/carol',
    },
    renewalWindowDays: 30,
    keyEncryption: { ok: true },
    workloadCertificateTtlSeconds: 86_400,
    rotationWait: null,
    confirmations: [],
    ...changes,
  };
}

export function inspection(
  cluster: string,
  changes: Partial<TrustInspection> = {},
): TrustInspection {
  return {
    cluster,
    report: { status: 'ok', detail: 'chain verifies to the mesh root' },
    replacedBySomeoneElse: false,
    drift: false,
    ...changes,
  };
}

export const missing = (cluster: string) =>
  inspection(cluster, {
    report: {
      status: 'missing',
      detail: `cluster '${cluster}' has no Secret cacerts in istio-system`,
    },
    drift: true,
  });
