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
  OPEN_EXPOSURE_STATES,
  parseGlobalHost,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { randomUUID } from 'node:crypto';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubeObject, manifestsForRequest } from '../render';
import { AuditLog } from '../../audit';
import { ExposureStore } from '../store/ExposureStore';
import { ExposureTransaction } from '../store/ExposureTransaction';
import { allocateVip, ipv4ToNumber } from '../vip';
import { ANNOTATIONS } from '../workflow/validateRequestInput';
import {
  AdoptionFacts,
  AdoptionPlan,
  AdoptionTakeover,
  assessAdoption,
  HostAssessment,
} from './assessAdoption';
import { ClusterServiceEntries } from './ClusterServiceEntries';
import { clusterStep, sameObject } from './clusterStep';
import { HandMadeServiceEntry, roleOf } from './handMadeServiceEntry';
import { selectHosts } from './selectHosts';
import {
  AdoptedHost,
  AdoptionCandidateList,
  AdoptionClusterStep,
  AdoptionInput,
  AdoptionResult,
} from './types';

const PAGE = 500;

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
    const { facts, unreadClusters } = await this.gather(credentials);
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
    const { facts, unreadClusters } = await this.gather(credentials);
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

  private async gather(credentials: BackstageCredentials): Promise<{
    facts: AdoptionFacts;
    unreadClusters: AdoptionCandidateList['unreadClusters'];
  }> {
    const { connections, serviceEntries, store } = this.options;
    const [clusters, listed, vips, openRequests] = await Promise.all([
      this.options.observeClusters(),
      Promise.all(
        connections.map(c =>
          serviceEntries.listHandMade(c).then(
            entries => ({ cluster: c.name, entries }),
            (error: Error) => ({ cluster: c.name, error: error.message }),
          ),
        ),
      ),
      store.listVips(),
      this.openRequests(),
    ]);
    const entries = listed.flatMap(l => ('entries' in l ? l.entries : []));
    const unreadClusters = listed.flatMap(l =>
      'error' in l ? [{ cluster: l.cluster, error: l.error }] : [],
    );
    const hosts = new Set(entries.map(e => e.host));
    return {
      facts: {
        entries,
        clusters,
        vips,
        openRequests: openRequests.filter(r => hosts.has(r.host)),
        components: await this.componentsFor(entries, credentials),
        now: this.now(),
      },
      unreadClusters,
    };
  }

  private async openRequests(): Promise<ExposureRequest[]> {
    const all: ExposureRequest[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.options.store.listRequests({
        states: [...OPEN_EXPOSURE_STATES],
        limit: PAGE,
        offset,
      });
      all.push(...page.items);
      if (page.items.length < PAGE) return all;
    }
  }

  /** The Components whose `backstage.io/kubernetes-id` names one of the entries' services. */
  private async componentsFor(
    entries: HandMadeServiceEntry[],
    credentials: BackstageCredentials,
  ) {
    const services = [
      ...new Set(entries.map(e => parseGlobalHost(e.host)!.service)),
    ];
    if (services.length === 0) {
      return [];
    }
    const { items } = await this.options.catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          [`metadata.annotations.${ANNOTATIONS.serviceName}`]: services,
        },
      },
      { credentials },
    );
    return items;
  }

  private async preview(
    assessment: HostAssessment,
    facts: AdoptionFacts,
  ): Promise<AdoptedHost> {
    const plan = assessment.plan!;
    let draft: ExposureRequest | null = null;
    if (plan.newRequest) {
      const { vip, ...valid } = plan.newRequest;
      const now = this.now().toISOString();
      draft = this.requestOf(
        valid,
        '',
        vip ?? provisionalVip(plan.host, facts),
        {
          actor: '',
          now,
        },
      );
    }
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
      ? await this.recordRequest(plan, actor)
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

  /**
   * The VIP, the active request and its audit event, in one transaction. Whatever was
   * checked before is checked again inside it, since another adoption or approval may
   * have taken the host or the address meanwhile.
   */
  private async recordRequest(
    plan: AdoptionPlan,
    actor: string,
  ): Promise<ExposureRequest> {
    const { vip: wanted, ...valid } = plan.newRequest!;
    return this.options.transaction(async ({ store, audit }) => {
      const open = await store.findOpenRequests(
        plan.host,
        valid.consumerClusters,
      );
      if (open.length > 0) {
        throw new ConflictError(
          `Request ${open[0].id} (${open[0].state}) for ${
            plan.host
          } was opened meanwhile for ${open[0].consumerClusters.join(
            ', ',
          )}; list the candidates again`,
        );
      }
      const id = randomUUID();
      if (wanted) {
        const holder = (await store.listVips()).find(
          v => v.address === wanted && v.host !== plan.host,
        );
        if (holder) {
          throw vipTaken(plan.host, wanted, holder);
        }
      }
      let allocation;
      try {
        allocation = await store.allocateVip(
          plan.host,
          id,
          inUse => wanted ?? allocateVip(inUse, { seed: plan.host }).address,
        );
      } catch (error) {
        const holder = wanted
          ? (await store.listVips()).find(v => v.address === wanted)
          : undefined;
        throw holder ? vipTaken(plan.host, wanted!, holder) : error;
      }
      if (wanted && allocation.address !== wanted) {
        throw new ConflictError(
          `crossmesh already gave ${plan.host} the VIP ${allocation.address} (request ${allocation.requestId}), but the hand-made entries use ${wanted}; change the hand-made entries to ${allocation.address} first`,
        );
      }
      const request = this.requestOf(valid, id, allocation.address, {
        actor,
        now: this.now().toISOString(),
      });
      await store.insertRequest(request);
      await audit.append({
        actor,
        action: 'exposure.adopted',
        clusterName: request.sourceCluster,
        details: {
          requestId: request.id,
          host: request.host,
          entityRef: request.entityRef,
          vip: request.vip,
          consumerClusters: request.consumerClusters,
          entries: plan.takeovers
            .filter(t => !t.requestId)
            .flatMap(t => t.entries.map(e => e.id)),
        },
      });
      return request;
    });
  }

  private requestOf(
    valid: Omit<NonNullable<AdoptionPlan['newRequest']>, 'vip'>,
    id: string,
    vip: string,
    { actor, now }: { actor: string; now: string },
  ): ExposureRequest {
    return {
      id,
      entityRef: valid.entityRef,
      service: valid.service,
      sourceCluster: valid.sourceCluster,
      consumerClusters: valid.consumerClusters,
      consumerNamespaces: valid.consumerNamespaces,
      reason: valid.reason,
      endDate: null,
      state: 'active',
      host: valid.host,
      vip,
      requestedBy: actor,
      requestedAt: now,
      decidedBy: actor,
      decidedAt: now,
      decisionComment: null,
      clusters: [],
      updatedAt: now,
    };
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

function vipTaken(
  host: string,
  vip: string,
  holder: { host: string; requestId: string },
) {
  return new ConflictError(
    `VIP ${vip} of ${host} is already allocated to ${holder.host} (request ${holder.requestId}); nothing was written for ${host}: change the hand-made entries of one of the two hosts first`,
  );
}

/** The VIP a dry run shows when the entries have none: the host's, or the allocator's first try. */
function provisionalVip(host: string, facts: AdoptionFacts): string {
  const own = facts.vips.find(v => v.host === host);
  return (
    own?.address ??
    allocateVip(new Set(facts.vips.map(v => ipv4ToNumber(v.address))), {
      seed: host,
    }).address
  );
}
