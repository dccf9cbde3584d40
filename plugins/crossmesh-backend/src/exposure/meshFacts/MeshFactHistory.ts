import {
  AuditEvent,
  ExposureRequest,
  isLiveExposureState,
  MeshFactChange,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { AuditLog } from '../../audit';
import { ExposureNotifier } from '../notify';
import { ExposureStore } from '../store/ExposureStore';
import {
  changeConcerns,
  factChangesOf,
  MEMBERSHIP_ACTIONS,
  meshFactChangesFor,
} from './meshFactChanges';

/** Membership changes are rare; this bounds one read of them. */
const MAX_MEMBERSHIP_EVENTS = 5000;

/**
 * The mesh facts an approved exposure depends on beyond what was approved (ADR 0026): each
 * change is a platform action in the audit log, which is the one record read here; the
 * owners of every live exposure it affects are told, and the exposures show it.
 *
 * @internal
 */
export class MeshFactHistory {
  constructor(
    private readonly options: {
      audit: Pick<AuditLog, 'list'>;
      store: Pick<ExposureStore, 'listRequests'>;
      notifier?: ExposureNotifier;
    },
  ) {}

  /** The requests with `meshFactChanges` set. */
  async annotate(requests: ExposureRequest[]): Promise<ExposureRequest[]> {
    if (!requests.some(r => r.decidedAt)) {
      return requests.map(r => ({ ...r, meshFactChanges: [] }));
    }
    const changes = await this.allChanges();
    return requests.map(r => ({
      ...r,
      meshFactChanges: meshFactChangesFor(r, changes),
    }));
  }

  /** Tells the owners of every live exposure a membership change affects. */
  async membershipChanged(event: AuditEvent): Promise<void> {
    const changes = factChangesOf(event);
    if (!changes.length || !this.options.notifier) return;
    const { items } = await this.options.store.listRequests({
      cluster: event.clusterName!,
      limit: 10_000,
      offset: 0,
    });
    for (const request of items.filter(r => isLiveExposureState(r.state))) {
      const concerning = changes.filter(c => changeConcerns(request, c));
      if (concerning.length) {
        await this.options.notifier.meshFactsChanged(request, concerning);
      }
    }
  }

  private async allChanges(): Promise<MeshFactChange[]> {
    const { items } = await this.options.audit.list({
      action: MEMBERSHIP_ACTIONS,
      limit: MAX_MEMBERSHIP_EVENTS,
      offset: 0,
    });
    return items.flatMap(factChangesOf);
  }
}
