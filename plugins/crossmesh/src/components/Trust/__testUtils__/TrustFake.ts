import {
  CacertsDistribution,
  ConfirmationRequired,
  IntermediateIssueResult,
  RotationResult,
  TrustConfirmation,
  TrustInspection,
  TrustRoot,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshApi } from '../../../api';
import { eastCluster, westCluster } from '../../../__testUtils__/clusters';
import { fakeApi } from '../../../__testUtils__/overviewFixtures';
import {
  inspection,
  intermediate,
  meshTrust,
  missing,
  pendingConfirmation,
  root,
} from './trustFixtures';

export const written = (cluster: string): CacertsDistribution => ({
  cluster,
  changed: true,
  secretWritten: true,
  restarted: ['istiod', 'istio-ingressgateway'],
  missingDeployments: [],
});

/**
 * The trust calls of the backend for two clusters, east and west, keeping what they
 * changed so the page shows it on reload. Tests replace a call with a failing one where
 * they need a refusal.
 */
export class TrustFake {
  trust: TrustState;
  drift: TrustInspection[];

  /** Who asks for root operations in this fake: the signed-in user of the test app. */
  requester = 'user:default/carol';

  constructor(trust: TrustState = meshTrust()) {
    this.trust = trust;
    this.drift = ['east', 'west'].map(cluster =>
      trust.intermediates.some(i => i.clusterName === cluster)
        ? inspection(cluster)
        : missing(cluster),
    );
  }

  private issue(cluster: string): IntermediateIssueResult {
    const rootId =
      this.trust.rotation.newRootId ??
      this.trust.roots.find(r => r.state === 'active')!.id;
    const issued = intermediate(cluster, rootId);
    this.trust = {
      ...this.trust,
      intermediates: [
        ...this.trust.intermediates.filter(i => i.clusterName !== cluster),
        issued,
      ],
      pendingCsrs: this.trust.pendingCsrs.filter(
        c => c.clusterName !== cluster,
      ),
    };
    this.drift = this.drift.map(d =>
      d.cluster === cluster ? inspection(cluster) : d,
    );
    return { intermediate: issued, distribution: written(cluster) };
  }

  readonly calls = {
    generateRoot: jest.fn(async () => {
      const made = root('r1');
      this.trust = { ...this.trust, roots: [made] };
      return made;
    }),
    importRoot: jest.fn(async () => {
      const made = root('r1', { source: 'imported' });
      this.trust = { ...this.trust, roots: [made] };
      return made;
    }),
    issueIntermediate: jest.fn(async (cluster: string) => this.issue(cluster)),
    uploadIntermediate: jest.fn(async (cluster: string) => this.issue(cluster)),
    createIntermediateCsr: jest.fn(async (clusterName: string) => {
      this.trust = {
        ...this.trust,
        pendingCsrs: [{ clusterName, createdAt: new Date().toISOString() }],
      };
      return {
        clusterName,
        csrPem:
          '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
      };
    }),
    distributeCacerts: jest.fn(async () => ({
      items: ['east', 'west'].map(cluster => ({
        ...written(cluster),
        changed: false,
        secretWritten: false,
        restarted: [],
      })),
    })),
    startRotation: jest.fn(async () => ({
      confirmation: this.ask('rotation.start', root('r2')),
    })),
    advanceRotation: jest.fn(
      async (): Promise<RotationResult | ConfirmationRequired> => {
        if (this.trust.rotation.phase === 'trusting-both') {
          this.issue('east');
          this.issue('west');
          this.trust = {
            ...this.trust,
            rotation: { ...this.trust.rotation, phase: 'intermediates-moved' },
          };
          return this.rotated();
        }
        const old = this.trust.roots.find(r => r.id === 'r1')!;
        return { confirmation: this.ask('rotation.drop-old-root', old) };
      },
    ),
    confirmRootOperation: jest.fn(async (id: string) => {
      const confirmation = this.trust.confirmations.find(c => c.id === id)!;
      this.trust = {
        ...this.trust,
        confirmations: this.trust.confirmations.filter(c => c.id !== id),
      };
      if (confirmation.action === 'rotation.start') {
        this.trust = {
          ...this.trust,
          roots: [...this.trust.roots, root('r2', { state: 'incoming' })],
          rotation: {
            ...this.trust.rotation,
            phase: 'trusting-both',
            oldRootId: 'r1',
            newRootId: 'r2',
          },
        };
      } else {
        this.trust = {
          ...this.trust,
          roots: this.trust.roots.map(r => ({
            ...r,
            state: r.id === 'r2' ? 'active' : 'retired',
          })),
          rotation: {
            phase: 'idle',
            oldRootId: null,
            newRootId: null,
            updatedAt: new Date().toISOString(),
            updatedBy: 'user:default/dave',
          },
        };
      }
      return this.rotated();
    }),
    cancelRootOperation: jest.fn(async (id: string) => {
      const confirmation = this.trust.confirmations.find(c => c.id === id)!;
      this.trust = {
        ...this.trust,
        confirmations: this.trust.confirmations.filter(c => c.id !== id),
      };
      return { ...confirmation, state: 'cancelled' as const };
    }),
  };

  private rotated(): RotationResult {
    return {
      rotation: this.trust.rotation,
      distribution: [written('east'), written('west')],
    };
  }

  /** What the backend records when a platform member asks for a root operation. */
  private ask(
    action: TrustConfirmation['action'],
    about: TrustRoot,
  ): TrustConfirmation {
    const confirmation = pendingConfirmation(action, about, this.requester);
    this.trust = {
      ...this.trust,
      confirmations: [...this.trust.confirmations, confirmation],
    };
    return confirmation;
  }

  api(overrides: Partial<CrossmeshApi> = {}): CrossmeshApi {
    return fakeApi({
      listClusters: async () => ({ items: [eastCluster, westCluster] }),
      getTrust: async () => this.trust,
      getTrustDrift: async () => ({ items: this.drift }),
      ...this.calls,
      ...overrides,
    });
  }
}
