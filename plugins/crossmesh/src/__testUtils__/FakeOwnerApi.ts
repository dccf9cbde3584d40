import {
  ConflictError,
  InputError,
  NotFoundError,
  ResponseError,
  serializeError,
} from '@backstage/errors';
import {
  ExposurePreview,
  ExposureRequest,
  ExposureRequestList,
  ExposureRequestQuery,
  ListClustersResponse,
  MeshCluster,
  NewExposureRequest,
  ServicePorts,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshApi } from '../api';

const STATUS: Record<string, number> = {
  InputError: 400,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
};

/** The error `CrossmeshClient` throws when the backend answers with an error body. */
export function asResponseError(error: Error): Promise<ResponseError> {
  const status = STATUS[error.name] ?? 500;
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: serializeError(error),
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

type OwnerApi = Pick<
  CrossmeshApi,
  | 'listClusters'
  | 'listExposures'
  | 'getServicePorts'
  | 'previewExposureDraft'
  | 'requestExposure'
  | 'cancelExposure'
  | 'revokeExposure'
>;

/**
 * An in-memory crossmesh backend for the service owner's side: it lists, creates, cancels
 * and revokes requests the way the backend's workflow does and fails with the same
 * `ResponseError`s as `CrossmeshClient`. Every draft preview it was asked for is kept.
 */
export class FakeOwnerApi implements OwnerApi {
  readonly requests: ExposureRequest[];
  readonly previewsAsked: NewExposureRequest[] = [];
  private readonly clusters: MeshCluster[];
  private readonly ports: ServicePorts | Error;
  private nextId = 100;

  constructor(options: {
    actor: string;
    requests: ExposureRequest[];
    clusters: MeshCluster[];
    ports: ServicePorts | Error;
  }) {
    this.actor = options.actor;
    this.requests = options.requests.map(copy);
    this.clusters = options.clusters;
    this.ports = options.ports;
  }

  private readonly actor: string;

  async listClusters(): Promise<ListClustersResponse> {
    return { items: copy(this.clusters) };
  }

  async listExposures(
    query: ExposureRequestQuery = {},
  ): Promise<ExposureRequestList> {
    const items = this.requests
      .filter(r => !query.entityRef || r.entityRef === query.entityRef)
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
    return { items: copy(items), totalCount: items.length };
  }

  async getServicePorts(entityRef: string): Promise<ServicePorts> {
    if (this.ports instanceof Error) {
      throw await asResponseError(this.ports);
    }
    if (entityRef !== 'component:default/svc-2') {
      throw await asResponseError(
        new NotFoundError(`entityRef '${entityRef}' was not found`),
      );
    }
    return copy(this.ports);
  }

  async previewExposureDraft(
    draft: NewExposureRequest,
  ): Promise<ExposurePreview> {
    this.previewsAsked.push(copy(draft));
    await this.refuseDuplicates(draft);
    const ports = draft.service?.ports ?? [];
    const yaml = (namespace: string) =>
      [
        'apiVersion: networking.istio.io/v1beta1',
        'kind: ServiceEntry',
        'metadata:',
        '  name: crossmesh-svc-2-shop-global',
        `  namespace: ${namespace}`,
        'spec:',
        '  hosts:',
        '    - svc-2.shop.global',
        '  addresses:',
        '    - 240.0.12.7',
        '  ports:',
        ...ports.map(p => `    - name: ${p.name}\n      number: ${p.number}`),
      ].join('\n');
    const namespaces = draft.consumerNamespaces?.length
      ? draft.consumerNamespaces
      : ['istio-system'];
    return {
      requestId: '',
      host: 'svc-2.shop.global',
      vip: '240.0.12.7',
      vipIsProvisional: true,
      clusters: draft.consumerClusters.map(cluster => ({
        cluster,
        role: 'consumer',
        yaml: namespaces.map(yaml).join('\n---\n'),
      })),
    };
  }

  async requestExposure(draft: NewExposureRequest): Promise<ExposureRequest> {
    if (!draft.reason.trim()) {
      throw await asResponseError(
        new InputError(
          'The exposure request is not valid: reason is required: say why the other clusters need this service',
        ),
      );
    }
    await this.refuseDuplicates(draft);
    const now = new Date().toISOString();
    const request: ExposureRequest = {
      id: `a1b2c3d4-0000-4000-8000-000000000${this.nextId++}`,
      entityRef: draft.entityRef,
      service: {
        name: 'svc-2',
        namespace: 'shop',
        ports: draft.service?.ports ?? [],
      },
      sourceCluster: 'cluster-2',
      consumerClusters: draft.consumerClusters,
      consumerNamespaces: draft.consumerNamespaces ?? [],
      reason: draft.reason.trim(),
      endDate: draft.endDate ? new Date(draft.endDate).toISOString() : null,
      state: 'pending',
      host: 'svc-2.shop.global',
      vip: null,
      requestedBy: this.actor,
      requestedAt: now,
      decidedBy: null,
      decidedAt: null,
      decisionComment: null,
      clusters: [],
      updatedAt: now,
    };
    this.requests.push(request);
    return copy(request);
  }

  async cancelExposure(id: string): Promise<ExposureRequest> {
    return this.move(id, { pending: 'cancelled' }, 'cancel');
  }

  async revokeExposure(id: string): Promise<ExposureRequest> {
    return this.move(
      id,
      { approved: 'revoking', applying: 'revoking', active: 'revoking' },
      'revoke',
    );
  }

  private async refuseDuplicates(draft: NewExposureRequest) {
    const open = this.requests.find(
      r =>
        ['pending', 'approved', 'applying', 'active'].includes(r.state) &&
        r.consumerClusters.some(c => draft.consumerClusters.includes(c)),
    );
    if (open) {
      throw await asResponseError(
        new ConflictError(
          `Request ${open.id} (${
            open.state
          }) already exposes svc-2.shop.global to ${open.consumerClusters.join(
            ', ',
          )}; cancel or revoke it first, or ask only for other clusters`,
        ),
      );
    }
  }

  private async move(
    id: string,
    transitions: Partial<
      Record<ExposureRequest['state'], ExposureRequest['state']>
    >,
    event: string,
  ): Promise<ExposureRequest> {
    const request = this.requests.find(r => r.id === id);
    if (!request) {
      throw await asResponseError(
        new NotFoundError(`No exposure request with id '${id}'`),
      );
    }
    const to = transitions[request.state];
    if (!to) {
      throw await asResponseError(
        new ConflictError(
          `Cannot ${event} request ${id}: it is ${request.state}`,
        ),
      );
    }
    request.state = to;
    request.updatedAt = new Date().toISOString();
    return copy(request);
  }
}
