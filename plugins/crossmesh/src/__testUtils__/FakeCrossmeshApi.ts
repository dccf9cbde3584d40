import {
  ConflictError,
  InputError,
  NotAllowedError,
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
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshApi } from '../api';

const STATUS: Record<string, [number, string]> = {
  InputError: [400, 'Bad Request'],
  NotAllowedError: [403, 'Forbidden'],
  NotFoundError: [404, 'Not Found'],
  ConflictError: [409, 'Conflict'],
};

/** The error `CrossmeshClient` throws when the backend answers with `error`. */
async function asResponseError(
  error: Error,
  method: string,
  url: string,
): Promise<ResponseError> {
  const [status, statusText] = STATUS[error.name] ?? [500, 'Server Error'];
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: serializeError(error),
        request: { method, url },
        response: { statusCode: status },
      }),
      { status, statusText, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

type FakeApi = Pick<
  CrossmeshApi,
  | 'listClusters'
  | 'listExposures'
  | 'getExposure'
  | 'previewExposure'
  | 'approveExposure'
  | 'rejectExposure'
>;

/**
 * An in-memory crossmesh backend for the frontend's tests: it filters, pages, refuses
 * and moves requests the way the backend's exposure workflow does, and answers through
 * the same `ResponseError`s as `CrossmeshClient`.
 */
export class FakeCrossmeshApi implements FakeApi {
  readonly requests: ExposureRequest[];
  private readonly actor: string;
  private readonly approverGroup?: string;
  private readonly clusters: MeshCluster[];
  private nextVip = 1;

  constructor(options: {
    /** The signed-in user, as the backend sees them. */
    actor: string;
    requests: ExposureRequest[];
    clusters?: MeshCluster[];
    /** Set to refuse decisions the way `crossmesh.approvers.groups` does for non-members. */
    approverGroup?: string;
  }) {
    this.actor = options.actor;
    this.requests = options.requests.map(r => copy(r));
    this.clusters = options.clusters ?? [];
    this.approverGroup = options.approverGroup;
  }

  async listClusters(): Promise<ListClustersResponse> {
    return { items: this.clusters };
  }

  async listExposures(
    query: ExposureRequestQuery = {},
  ): Promise<ExposureRequestList> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    if (limit < 1 || limit > 500 || offset < 0) {
      throw await asResponseError(
        new InputError('limit must be between 1 and 500 and offset at least 0'),
        'GET',
        '/exposures',
      );
    }
    const matching = this.requests
      .filter(
        r =>
          (!query.state || query.state.includes(r.state)) &&
          (!query.entityRef || r.entityRef === query.entityRef) &&
          (!query.requestedBy || r.requestedBy === query.requestedBy) &&
          (!query.cluster ||
            r.sourceCluster === query.cluster ||
            r.consumerClusters.includes(query.cluster)),
      )
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
    return {
      items: matching.slice(offset, offset + limit).map(r => copy(r)),
      totalCount: matching.length,
    };
  }

  async getExposure(requestId: string): Promise<ExposureRequest> {
    return copy(await this.find(requestId, 'GET', ''));
  }

  async previewExposure(requestId: string): Promise<ExposurePreview> {
    const request = await this.find(requestId, 'GET', '/preview');
    const vip = request.vip ?? '240.0.0.1';
    const ports = request.service.ports
      .map(
        p =>
          `  - name: ${p.name}\n    number: ${p.number}\n    protocol: ${p.name
            .split('-')[0]
            .toUpperCase()}`,
      )
      .join('\n');
    const exportTo = request.consumerNamespaces.length
      ? `  exportTo:\n${request.consumerNamespaces
          .map(n => `  - ${n}`)
          .join('\n')}\n`
      : '';
    return {
      requestId,
      host: request.host,
      vip,
      vipIsProvisional: request.vip === null,
      clusters: request.consumerClusters.map(cluster => ({
        cluster,
        role: 'consumer' as const,
        yaml: [
          'apiVersion: networking.istio.io/v1alpha3',
          'kind: ServiceEntry',
          'metadata:',
          `  name: crossmesh-${request.service.name}-${request.service.namespace}`,
          '  namespace: istio-system',
          'spec:',
          `  hosts:\n  - ${request.host}`,
          '  location: MESH_INTERNAL',
          `  ports:\n${ports}`,
          '  resolution: DNS',
          `  addresses:\n  - ${vip}`,
          `  endpoints:\n  - address: gateway.${request.sourceCluster}.example.com`,
          `${exportTo}`,
        ].join('\n'),
      })),
    };
  }

  async approveExposure(
    requestId: string,
    comment?: string,
  ): Promise<ExposureRequest> {
    const request = await this.find(requestId, 'POST', '/approve');
    await this.requireApprover('approve', requestId, '/approve');
    if (request.requestedBy === this.actor) {
      throw await this.refuse(
        new NotAllowedError(
          `You requested ${request.id} yourself; another approver has to decide it`,
        ),
        requestId,
        '/approve',
      );
    }
    await this.requirePending(request, 'approve');
    Object.assign(request, this.decision(comment), {
      state: 'approved',
      vip: `240.0.0.${this.nextVip++}`,
      clusters: request.consumerClusters.map(cluster => ({
        cluster,
        role: 'consumer',
        state: 'pending',
        lastError: null,
        updatedAt: request.updatedAt,
      })),
    });
    return copy(request);
  }

  async rejectExposure(
    requestId: string,
    comment?: string,
  ): Promise<ExposureRequest> {
    const request = await this.find(requestId, 'POST', '/reject');
    await this.requireApprover('reject', requestId, '/reject');
    await this.requirePending(request, 'reject');
    Object.assign(request, this.decision(comment), { state: 'rejected' });
    return copy(request);
  }

  private decision(comment: string | undefined) {
    const now = new Date().toISOString();
    return {
      decidedBy: this.actor,
      decidedAt: now,
      decisionComment: comment?.trim() || null,
      updatedAt: now,
    };
  }

  private async find(requestId: string, method: string, suffix: string) {
    const request = this.requests.find(r => r.id === requestId);
    if (!request) {
      throw await asResponseError(
        new NotFoundError(`No exposure request ${requestId}`),
        method,
        `/exposures/${requestId}${suffix}`,
      );
    }
    return request;
  }

  private async requireApprover(
    what: string,
    requestId: string,
    suffix: string,
  ) {
    if (this.approverGroup) {
      throw await this.refuse(
        new NotAllowedError(
          `Only members of ${this.approverGroup} may ${what} exposure requests`,
        ),
        requestId,
        suffix,
      );
    }
  }

  private async requirePending(request: ExposureRequest, what: string) {
    if (request.state !== 'pending') {
      throw await this.refuse(
        new ConflictError(
          `Cannot ${what} request ${request.id}: it is ${request.state}, and only a request that is pending can be.`,
        ),
        request.id,
        `/${what}`,
      );
    }
  }

  private refuse(error: Error, requestId: string, suffix: string) {
    return asResponseError(error, 'POST', `/exposures/${requestId}${suffix}`);
  }
}
