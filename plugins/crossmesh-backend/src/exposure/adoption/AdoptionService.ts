import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Approvers } from '../workflow/approvers';
import { ConflictError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ExposureRequest,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubeObject, manifestsForRequest } from '../render';
import { AuditLog } from '../../audit';
import { ExposureStore } from '../store/ExposureStore';
import { ExposureTransaction } from '../store/ExposureTransaction';
import {
  AdoptionFacts,
  AdoptionPlan,
  AdoptionTakeover,
  assessAdoption,
  HostAssessment,
} from './assessAdoption';
import { ClusterServiceEntries } from './ClusterServiceEntries';
import { clusterStep, sameObject } from './clusterStep';
import { roleOf } from './handMadeServiceEntry';
import { gatherAdoptionFacts } from './gatherAdoptionFacts';
import {
  adoptedRequest,
  provisionalVip,
  recordAdoption,
} from './recordAdoption';
import { selectHosts } from './selectHosts';
import {
  AdoptedHost,
  AdoptionCandidateList,
  AdoptionClusterStep,
  AdoptionInput,
  AdoptionResult,
} from './types';

/**
 * Takes over a hand-made `.global` set-up: lists the ServiceEntries people wrote in each
 * cluster, and adopts a host by recording its VIP and an active exposure request in one
 * transaction, then, cluster by cluster, applying crossmesh's ServiceEntry before deleting
 * the hand-made one, so the host never lacks an entry. From then on the reconciler keeps
 * crossmesh's objects as they are for any other exposure (ADR 0007).
 *
 * @internal
 */
export class AdoptionService {
  constructor(
    private readonly options: {
      connections: ClusterConnection[];
      serviceEntries: ClusterServiceEntries;
      /** The clusters as the reconciler sees them: gateway addresses and strategy. */
      observeClusters: () => Promise<MeshCluster[]>;
      store: ExposureStore;
      /** A host's VIP, request and audit event are recorded whole or not at all. */
      transaction: ExposureTransaction;
      /** Where each cluster's takeover is recorded. */
      audit: AuditLog;
      catalog: CatalogService;
      userInfo: UserInfoService;
      /** Group refs whose members may adopt; empty means the permission policy alone decides. */
      approverGroups: string[];
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  async listCandidates(
    credentials: BackstageCredentials,
  ): Promise<AdoptionCandidateList> {
    const { facts, unreadClusters } = await gatherAdoptionFacts(
      this.options,
      credentials,
      this.now(),
    );
    const items = assessAdoption(facts).flatMap(a =>
      a.entries.map(entry => ({
        id: entry.id,
        cluster: entry.cluster,
        namespace: entry.namespace,
        name: entry.name,
        host: entry.host,
        role: roleOf(entry),
        addresses: entry.addresses,
        ports: entry.ports,
        endpoints: entry.endpoints,
        exportTo: entry.exportTo,
        entityRef: a.entityRef,
        sourceCluster: a.sourceCluster,
        servedBy:
          roleOf(entry) === 'consumer'
            ? a.servedBy[entry.cluster] ?? null
            : null,
        adoptable: a.plan !== undefined,
        problems: a.problems.map(p => p.message),
      })),
    );
    return { items, unreadClusters };
  }

  async adopt(
    input: AdoptionInput,
    credentials: BackstageCredentials,
    actor: string,
  ): Promise<AdoptionResult> {
    await this.requireApprover(credentials);
    const { facts, unreadClusters } = await gatherAdoptionFacts(
      this.options,
      credentials,
      this.now(),
    );
    const chosen = selectHosts(input, assessAdoption(facts), unreadClusters);
    const items: AdoptedHost[] = [];
    for (const assessment of chosen) {
      try {
        items.push(
          input.dryRun
            ? await this.preview(assessment, facts)
            : await this.adoptHost(assessment, facts, actor),
        );
      } catch (error) {
        // Only a race inside a host's transaction gets here; earlier hosts stay adopted.
        if (error instanceof ConflictError && items.length > 0) {
          throw new ConflictError(
            `${error.message} (adopted before it: ${items
              .map(i => i.host)
              .join(', ')})`,
          );
        }
        throw error;
      }
    }
    return { dryRun: Boolean(input.dryRun), items, unreadClusters };
  }

  private async preview(
    assessment: HostAssessment,
    facts: AdoptionFacts,
  ): Promise<AdoptedHost> {
    const plan = assessment.plan!;
    const draft = plan.newRequest
      ? adoptedRequest(plan, {
          id: '',
          vip: plan.newRequest.vip ?? provisionalVip(plan.host, facts),
          actor: '',
          now: this.now().toISOString(),
        })
      : null;
    const clusters = plan.takeovers.map(takeover => {
      const objects = this.objectsFor(takeover, plan, facts, draft);
      return clusterStep(takeover, objects, takeover.requestId ?? null, {
        done: false,
      });
    });
    return this.resultOf(assessment, draft, clusters);
  }

  private async adoptHost(
    assessment: HostAssessment,
    facts: AdoptionFacts,
    actor: string,
  ): Promise<AdoptedHost> {
    const plan = assessment.plan!;
    const created = plan.newRequest
      ? await recordAdoption(
          this.options.transaction,
          plan,
          actor,
          this.now().toISOString(),
        )
      : null;
    const clusters: AdoptionClusterStep[] = [];
    for (const takeover of plan.takeovers) {
      const objects = this.objectsFor(takeover, plan, facts, created);
      const { outcome, deleted } = await this.takeOver(
        takeover,
        objects,
        takeover.requestId ?? created!.id,
      );
      clusters.push(outcome);
      await this.options.audit.append({
        actor,
        action: 'exposure.adoption-applied',
        clusterName: takeover.cluster,
        details: {
          host: plan.host,
          requestId: outcome.requestId,
          applied: outcome.apply.map(o => `${o.namespace}/${o.name}`),
          deleted,
          ...(outcome.error ? { error: outcome.error } : {}),
        },
      });
      if (created && takeover.role === 'consumer' && !takeover.requestId) {
        await this.options.store.setClusterStatus(created.id, {
          cluster: takeover.cluster,
          role: 'consumer',
          state: outcome.error ? 'failed' : 'applied',
          lastError: outcome.error ?? null,
          updatedAt: this.now().toISOString(),
        });
      }
    }
    const request = created
      ? (await this.options.store.getRequest(created.id)) ?? created
      : null;
    return this.resultOf(assessment, request, clusters);
  }

  /** crossmesh's ServiceEntries that replace the hand-made ones in the takeover's cluster. */
  private objectsFor(
    takeover: AdoptionTakeover,
    plan: AdoptionPlan,
    facts: AdoptionFacts,
    created: ExposureRequest | null,
  ): KubeObject[] {
    const subject = takeover.requestId
      ? facts.openRequests.find(r => r.id === takeover.requestId)
      : created ?? undefined;
    if (!subject?.vip) {
      throw new Error(
        `crossmesh lost track of the request for ${plan.host} in ${takeover.cluster}`,
      );
    }
    const manifests = manifestsForRequest(
      { ...subject, vip: subject.vip },
      facts.clusters.find(c => c.name === plan.sourceCluster),
    );
    if ('problem' in manifests) {
      throw new ConflictError(
        `${plan.host} cannot be taken over in ${takeover.cluster}: ${manifests.problem}`,
      );
    }
    // Only the entries are taken over; the reconciler adds the shared objects.
    const objects = manifests.clusters.find(
      c => c.cluster === takeover.cluster && c.role === takeover.role,
    )?.objects;
    return (objects ?? []).filter(o => o.kind === 'ServiceEntry');
  }

  /**
   * crossmesh's entries first, then the hand-made ones: if the apply fails, nothing is
   * deleted, so the host never lacks an entry. An entry crossmesh's apply landed on (same
   * namespace and name) is now crossmesh's and stays.
   */
  private async takeOver(
    takeover: AdoptionTakeover,
    objects: KubeObject[],
    requestId: string,
  ): Promise<{ outcome: AdoptionClusterStep; deleted: string[] }> {
    const connection = this.options.connections.find(
      c => c.name === takeover.cluster,
    )!;
    const { serviceEntries } = this.options;
    try {
      for (const object of objects) {
        await serviceEntries.apply(connection, object);
      }
    } catch (error) {
      const outcome = clusterStep(takeover, objects, requestId, {
        done: false,
        error: `${
          (error as Error).message
        }; the hand-made entries were left in place, so the host still resolves there: adopt it again once the cluster accepts the write`,
      });
      return { outcome, deleted: [] };
    }
    const problems: string[] = [];
    const deleted: string[] = [];
    for (const entry of takeover.entries) {
      if (objects.some(o => sameObject(o, entry))) continue;
      try {
        await serviceEntries.remove(connection, entry);
        deleted.push(`${entry.namespace}/${entry.name}`);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    const outcome = clusterStep(takeover, objects, requestId, {
      done: problems.length === 0,
      ...(problems.length
        ? {
            error: `${problems.join(
              '; ',
            )}; crossmesh's entry is in place, so traffic is not affected: adopt the host again to remove what is left`,
          }
        : {}),
    });
    return { outcome, deleted };
  }

  private resultOf(
    assessment: HostAssessment,
    request: ExposureRequest | null,
    clusters: AdoptionClusterStep[],
  ): AdoptedHost {
    return {
      host: assessment.host,
      entityRef: assessment.entityRef ?? request?.entityRef ?? '',
      sourceCluster: assessment.sourceCluster!,
      vip: request?.vip ?? assessment.vip,
      request,
      clusters,
    };
  }

  private async requireApprover(credentials: BackstageCredentials) {
    await new Approvers(
      this.options.approverGroups,
      this.options.userInfo,
    ).require(credentials, 'adopt hand-made ServiceEntries');
  }
}
