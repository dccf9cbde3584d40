/**
 * One port of an exposed service.
 *
 * @internal
 */
export interface ExposurePort {
  /** An Istio port name, e.g. `http`, `http-web`, `grpc`, `tcp-db`. */
  name: string;
  number: number;
  /** Istio protocol (any case); default: the one the name's prefix selects. */
  protocol?: string;
}

/**
 * Everything the renderers need to know about one approved exposure.
 *
 * @internal
 */
export interface ExposureRenderInput {
  /** The exposure request's id; labels every per-request object. */
  requestId: string;
  /** `<service>.<namespace>.global` */
  host: string;
  /** The host's VIP in the consumer cluster (from the VIP allocator). */
  vip: string;
  ports: ExposurePort[];
  /** Consumer namespaces that may call the host; all namespaces when absent or empty. */
  exportTo?: string[];
  /**
   * Longest life of a caller's connection to the host, in seconds (ADR 0023): a connection
   * opened before a root rotation's phase is re-opened, with the caller's current
   * certificate, within it. No bound when absent or 0.
   */
  maxConnectionDurationSeconds?: number;
  /**
   * The exporting cluster's gateway, as the consumer cluster reaches it; needed by every
   * strategy but `multi-primary`.
   */
  remoteGateway?: { address: string; port: number };
  /**
   * multi-primary: some consumer cluster is on another network than the exporting one, so
   * the exporting cluster's gateway passes the Service's mTLS through on 15443.
   */
  crossNetwork?: boolean;
  /** The Service behind the host in the exporting cluster; default: parsed from the host. */
  localService?: { name: string; namespace: string };
  /**
   * Consumer namespaces whose workloads the exporting cluster admits through its gateway for
   * the host: those of every live exposure of the host (ADR 0021). Default: `exportTo`. Empty:
   * any authenticated workload (an exposure to whole clusters).
   */
  admittedNamespaces?: string[];
}

/**
 * A Kubernetes object as plain data, ready to apply.
 *
 * @internal
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/**
 * The objects one exposure needs, per side.
 *
 * @internal
 */
export interface RenderedExposure {
  /** For the calling cluster. */
  consumer: KubeObject[];
  /** For the cluster that runs the service. */
  exporter: KubeObject[];
}

/**
 * An object as read from a cluster: what crossmesh rendered plus what the API server adds.
 * Only `managedFields` is looked at, to learn which labels and annotations crossmesh owns.
 *
 * @internal
 */
export interface ObservedKubeObject {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    managedFields?: Array<{
      manager?: string;
      operation?: string;
      fieldsV1?: Record<string, unknown>;
      [key: string]: unknown;
    }>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}
