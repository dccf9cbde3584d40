import { ClusterConnection } from '../clusters/clusterConnections';
import { KubernetesClients } from '../clusters/KubernetesClients';
import { buildCacerts } from '../pki';
import {
  CacertsDistribution,
  CacertsDistributor,
  cacertsConsumersFor,
  ClusterTrustInspection,
  inspectClusterTrust,
  IstiodRestart,
  PublishedRoots,
  readIstiodRestart,
  readPublishedRoots,
} from './cluster';
import { TrustContext } from './TrustContext';

/**
 * Each cluster's `cacerts`: written from the database, and read back to report drift.
 *
 * @internal
 */
export class DistributionService {
  private readonly distributor: CacertsDistributor;

  constructor(
    private readonly context: TrustContext,
    private readonly clients: KubernetesClients,
  ) {
    this.distributor = new CacertsDistributor(clients);
  }

  /** Writes each cluster's `cacerts` from the database; a no-op where nothing changed. */
  async distribute(
    actor: string,
    clusterName?: string,
  ): Promise<CacertsDistribution[]> {
    const targets = clusterName
      ? [this.context.requireCluster(clusterName)]
      : this.context.connections;
    await this.context.requireKeyEncryption();
    return Promise.all(targets.map(c => this.distributeTo(c, actor)));
  }

  /** Reads one cluster's `cacerts` and reports drift. */
  async inspectCluster(clusterName: string): Promise<ClusterTrustInspection> {
    const connection = this.context.requireCluster(clusterName);
    return this.inspectConnection(connection, await this.trustedRootPems());
  }

  /** Reads every cluster's `cacerts` and reports drift. */
  async inspect(): Promise<ClusterTrustInspection[]> {
    const rootPems = await this.trustedRootPems();
    return Promise.all(
      this.context.connections.map(c => this.inspectConnection(c, rootPems)),
    );
  }

  /** Reads the roots each cluster's istiod publishes to its workloads. */
  publishedRoots(): Promise<PublishedRoots[]> {
    return Promise.all(
      this.context.connections.map(c => readPublishedRoots(this.clients, c)),
    );
  }

  /** Reads when each cluster's istiod was last restarted. */
  istiodRestarts(): Promise<IstiodRestart[]> {
    return Promise.all(
      this.context.connections.map(c => readIstiodRestart(this.clients, c)),
    );
  }

  /**
   * Writes one cluster's `cacerts`: its current intermediate and every trusted root, and
   * restarts what the cluster's strategy needs restarted. A write, a restart or a failure
   * is audited.
   */
  async distributeTo(
    connection: ClusterConnection,
    actor: string,
  ): Promise<CacertsDistribution> {
    const { store, audit } = this.context.stores;
    const intermediate = await store.getCurrentIntermediate(connection.name);
    if (!intermediate) {
      return {
        cluster: connection.name,
        changed: false,
        secretWritten: false,
        restarted: [],
        missingDeployments: [],
        error: `cluster '${connection.name}' has no intermediate CA yet; issue one first`,
      };
    }
    const trusted = await this.context.trustedRoots();
    const signer = trusted.find(r => r.id === intermediate.rootId);
    // cert-chain.pem must end with the root that signed ca-cert.pem, so it goes first.
    const rootCertPems = [
      ...(signer ? [signer.certPem] : []),
      ...trusted.filter(r => r.id !== intermediate.rootId).map(r => r.certPem),
    ];
    const files = buildCacerts({
      intermediate: {
        certPem: intermediate.certPem,
        keyPem: this.context.openKey(intermediate.sealedKey),
      },
      rootCertPems,
    });
    const strategy = await this.context.settings.strategyOf?.(connection.name);
    const result = await this.distributor.distribute(connection, files, {
      rootFingerprints: trusted.map(r => r.fingerprintSha256),
      now: this.context.now(),
      restart: cacertsConsumersFor(strategy),
    });
    if (result.secretWritten || result.restarted.length || result.error) {
      await audit.append({
        actor,
        action: result.error
          ? 'cacerts.distribution-failed'
          : 'cacerts.distributed',
        clusterName: connection.name,
        serial: intermediate.serial,
        fingerprintSha256: intermediate.fingerprintSha256,
        details: {
          changed: result.changed,
          restarted: result.restarted,
          ...(result.error ? { error: result.error } : {}),
        },
      });
    }
    return result;
  }

  private async trustedRootPems(): Promise<string[]> {
    return (await this.context.trustedRoots()).map(r => r.certPem);
  }

  private inspectConnection(connection: ClusterConnection, rootPems: string[]) {
    return inspectClusterTrust(this.clients, connection, {
      expectedRootPems: rootPems,
      renewalWindowDays: this.context.settings.renewalWindowDays,
      now: this.context.now(),
    });
  }
}
