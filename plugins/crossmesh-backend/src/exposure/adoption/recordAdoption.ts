import { ConflictError } from '@backstage/errors';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { randomUUID } from 'node:crypto';
import { ExposureTransaction } from '../store/ExposureTransaction';
import { allocateVip, ipv4ToNumber } from '../vip';
import { newExposureRequest } from '../workflow/newRequest';
import { AdoptionFacts, AdoptionPlan } from './assessAdoption';

/**
 * The active request adoption records for the calling clusters no exposure serves yet;
 * in a dry run, with no id, the VIP it would get, and nobody as actor.
 *
 * @internal
 */
export function adoptedRequest(
  plan: AdoptionPlan,
  fields: { id: string; vip: string; actor: string; now: string },
): ExposureRequest {
  const { vip: _handMade, ...valid } = plan.newRequest!;
  return newExposureRequest(valid, {
    id: fields.id,
    state: 'active',
    vip: fields.vip,
    requestedBy: fields.actor,
    decidedBy: fields.actor,
    now: fields.now,
  });
}

/**
 * The VIP, the active request and its audit event, in one transaction. Whatever was
 * checked before is checked again inside it, since another adoption or approval may have
 * taken the host or the address meanwhile.
 *
 * @internal
 */
export function recordAdoption(
  transaction: ExposureTransaction,
  plan: AdoptionPlan,
  actor: string,
  now: string,
): Promise<ExposureRequest> {
  const { vip: wanted, consumerClusters } = plan.newRequest!;
  return transaction(async ({ store, audit }) => {
    const open = await store.findOpenRequests(plan.host, consumerClusters);
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
    const request = adoptedRequest(plan, {
      id,
      vip: allocation.address,
      actor,
      now,
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

/**
 * The VIP a dry run shows when the entries have none: the host's, or the allocator's first
 * try.
 *
 * @internal
 */
export function provisionalVip(host: string, facts: AdoptionFacts): string {
  const own = facts.vips.find(v => v.host === host);
  return (
    own?.address ??
    allocateVip(new Set(facts.vips.map(v => ipv4ToNumber(v.address))), {
      seed: host,
    }).address
  );
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
