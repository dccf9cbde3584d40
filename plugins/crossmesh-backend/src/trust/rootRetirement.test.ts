import { X509Certificate } from 'node:crypto';
import { generateRootCa } from '../pki';
import type { ClusterTrustInspection } from './cluster/inspectClusterTrust';
import { rootRetirementBlockers } from './rootRetirement';

describe('rootRetirementBlockers', () => {
  let oldRoot: { certPem: string; fingerprint: string };
  let newRoot: { certPem: string; fingerprint: string };

  beforeAll(async () => {
    [oldRoot, newRoot] = await Promise.all(
      [0, 1].map(async () => {
        const { certPem } = await generateRootCa({ keyType: 'ecdsa-p256' });
        return {
          certPem,
          fingerprint: new X509Certificate(certPem).fingerprint256,
        };
      }),
    );
  });

  const chainingTo = (
    cluster: string,
    rootFingerprintSha256: string,
  ): ClusterTrustInspection => ({
    cluster,
    report: { status: 'ok', detail: 'ok', rootFingerprintSha256 },
    replacedBySomeoneElse: false,
    drift: false,
  });

  const blockers = (
    inspections: ClusterTrustInspection[],
    published: Array<{
      cluster: string;
      rootCertPem?: string | null;
      error?: string;
    }>,
  ) =>
    rootRetirementBlockers({
      newRootFingerprint: newRoot.fingerprint,
      oldRootFingerprint: oldRoot.fingerprint,
      inspections,
      published,
    });

  it('lets the old root go when every intermediate chains to the new root and every istiod publishes it', () => {
    expect(
      blockers(
        [
          chainingTo('c1', newRoot.fingerprint),
          chainingTo('c2', newRoot.fingerprint),
        ],
        [
          {
            cluster: 'c1',
            rootCertPem: `${oldRoot.certPem}\n${newRoot.certPem}`,
          },
          // No istiod has written it: nothing is held back there.
          { cluster: 'c2', rootCertPem: null },
        ],
      ),
    ).toEqual([]);
  });

  it('names the cluster whose istiod still publishes only the old root', () => {
    const found = blockers(
      [
        chainingTo('c1', newRoot.fingerprint),
        chainingTo('c2', newRoot.fingerprint),
      ],
      [
        { cluster: 'c1', rootCertPem: newRoot.certPem },
        { cluster: 'c2', rootCertPem: oldRoot.certPem },
      ],
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^c2: istiod still publishes only the old root in istio-ca-root-cert, .*rollout restart deployment\/istiod/,
    );
  });

  it('names the cluster whose cacerts intermediate still chains to the old root, and one that cannot be read', () => {
    const found = blockers(
      [
        chainingTo('c1', oldRoot.fingerprint),
        {
          cluster: 'c2',
          replacedBySomeoneElse: false,
          drift: false,
          error: 'connection refused',
        },
      ],
      [
        { cluster: 'c1', rootCertPem: null },
        { cluster: 'c2', error: 'forbidden' },
      ],
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^c1: the intermediate in its cacerts still chains to the old root; distribute again/,
      ),
      'c2: its cacerts cannot be checked (connection refused)',
      expect.stringMatching(
        /^c2: what istiod publishes cannot be checked \(forbidden\)/,
      ),
    ]);
  });
});
