import { parse } from 'yaml';
import {
  EXPIRES_AT_ANNOTATION,
  nextTokenAnchor,
  remoteSecretAction,
  renderRemoteSecret,
  REVOKE_GRACE_MS,
} from './remoteSecret';

const remote = {
  name: 'cluster-2',
  url: 'https://cluster-2.example.net:6443',
  caData: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64'),
};
const DAY_MS = 24 * 60 * 60 * 1000;
const issuedAt = new Date('2026-12-03T10:00:00Z');
const token = {
  token: 'reader-token',
  expiresAt: new Date(+issuedAt + DAY_MS),
  anchor: 'crossmesh-istio-reader-for-cluster-1-a',
};
const after = (ms: number) => new Date(+issuedAt + ms);

describe('renderRemoteSecret', () => {
  it('is the Secret istiod selects, with one kubeconfig that reads the remote cluster as the reader', () => {
    const secret = renderRemoteSecret(remote, token, issuedAt);
    expect(secret.metadata).toEqual({
      name: 'istio-remote-secret-cluster-2',
      namespace: 'istio-system',
      labels: {
        'istio/multiCluster': 'true',
        'app.kubernetes.io/managed-by': 'crossmesh',
      },
      annotations: {
        'networking.istio.io/cluster': 'cluster-2',
        'crossmesh.io/token-expires-at': '2026-12-04T10:00:00.000Z',
        'crossmesh.io/renewed-at': '2026-12-03T10:00:00.000Z',
        'crossmesh.io/token-anchor': 'crossmesh-istio-reader-for-cluster-1-a',
      },
    });
    expect(Object.keys(secret.data!)).toEqual(['cluster-2']);
    const kubeconfig = parse(
      Buffer.from(secret.data!['cluster-2'], 'base64').toString('utf8'),
    );
    expect(kubeconfig).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'cluster-2',
          cluster: {
            server: remote.url,
            'certificate-authority-data': remote.caData,
          },
        },
      ],
      users: [{ name: 'cluster-2', user: { token: 'reader-token' } }],
      contexts: [
        {
          name: 'cluster-2',
          context: { cluster: 'cluster-2', user: 'cluster-2' },
        },
      ],
      'current-context': 'cluster-2',
    });
  });
});

describe('nextTokenAnchor', () => {
  it("alternates between the pair's two anchors, starting with the first", () => {
    expect(nextTokenAnchor('cluster-1')).toBe(
      'crossmesh-istio-reader-for-cluster-1-a',
    );
    expect(
      nextTokenAnchor('cluster-1', 'crossmesh-istio-reader-for-cluster-1-a'),
    ).toBe('crossmesh-istio-reader-for-cluster-1-b');
    expect(
      nextTokenAnchor('cluster-1', 'crossmesh-istio-reader-for-cluster-1-b'),
    ).toBe('crossmesh-istio-reader-for-cluster-1-a');
  });
});

describe('remoteSecretAction', () => {
  const written = renderRemoteSecret(remote, token, issuedAt);
  const decide = (existing: typeof written | undefined, now: Date) =>
    remoteSecretAction(existing, remote, { now, tokenLifetimeMs: DAY_MS });

  it('writes one where there is none', () => {
    expect(decide(undefined, issuedAt)).toEqual({
      action: 'write',
      reason: 'none yet',
    });
  });

  it('keeps a fresh one, and renews it once half the token life has passed', () => {
    expect(decide(written, after(DAY_MS / 2 - 1))).toEqual({
      action: 'keep',
      expiresAt: token.expiresAt,
      renewedAt: issuedAt,
    });
    expect(decide(written, after(DAY_MS / 2 + 1))).toEqual({
      action: 'write',
      reason: 'its token expires at 2026-12-04T10:00:00.000Z',
    });
  });

  it('revokes the token a renewed secret replaced once the grace period has passed, not before', () => {
    const renewed = renderRemoteSecret(
      remote,
      { ...token, anchor: 'crossmesh-istio-reader-for-cluster-1-b' },
      issuedAt,
      'crossmesh-istio-reader-for-cluster-1-a',
    );
    expect(
      renewed.metadata!.annotations!['crossmesh.io/superseded-token-anchor'],
    ).toBe('crossmesh-istio-reader-for-cluster-1-a');
    expect(decide(renewed, after(REVOKE_GRACE_MS - 1))).toEqual({
      action: 'keep',
      expiresAt: token.expiresAt,
      renewedAt: issuedAt,
    });
    expect(decide(renewed, after(REVOKE_GRACE_MS))).toEqual({
      action: 'keep',
      expiresAt: token.expiresAt,
      renewedAt: issuedAt,
      revoke: 'crossmesh-istio-reader-for-cluster-1-a',
    });
    expect(decide(written, after(REVOKE_GRACE_MS))).toEqual({
      action: 'keep',
      expiresAt: token.expiresAt,
      renewedAt: issuedAt,
    });
  });

  it('measures half the life the API server granted, which may be shorter than the one asked for', () => {
    const capped = renderRemoteSecret(
      remote,
      { ...token, expiresAt: after(DAY_MS / 4) },
      issuedAt,
    );
    expect(decide(capped, after(DAY_MS / 8 - 1)).action).toBe('keep');
    expect(decide(capped, after(DAY_MS / 8 + 1))).toEqual({
      action: 'write',
      reason: 'its token expires at 2026-12-03T16:00:00.000Z',
    });
  });

  it('rewrites one that reads another API server or trusts another CA than the remote cluster has now', () => {
    const moved = renderRemoteSecret(
      { ...remote, url: 'https://old.example.net:6443' },
      token,
      issuedAt,
    );
    expect(decide(moved, issuedAt)).toEqual({
      action: 'write',
      reason: `the API server is now ${remote.url}`,
    });
    const otherCa = renderRemoteSecret(
      { ...remote, caData: 'b3RoZXI=' },
      token,
      issuedAt,
    );
    expect(decide(otherCa, issuedAt)).toEqual({
      action: 'write',
      reason: "the API server's CA changed",
    });
    const unreadable = {
      ...written,
      metadata: {
        ...written.metadata,
        annotations: { [EXPIRES_AT_ANNOTATION]: 'soon' },
      },
    };
    expect(decide(unreadable, issuedAt)).toEqual({
      action: 'write',
      reason: 'its expiry is not recorded',
    });
  });

  it('leaves alone one it did not write, such as istioctl create-remote-secret makes', () => {
    const handMade = {
      ...written,
      metadata: {
        ...written.metadata,
        labels: { 'istio/multiCluster': 'true' },
      },
    };
    expect(decide(handMade, after(2 * DAY_MS))).toEqual({ action: 'foreign' });
  });
});
