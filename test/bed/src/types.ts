import type { CrossmeshAccess } from './crossmeshAccess';
import type { DataPlane } from './dataPlane/DataPlane';
import type { BedWorkload } from './dataPlane/workloads';

/**
 * Options for {@link startTestBed}.
 *
 * @public
 */
export interface TestBedOptions {
  /** Cluster names, e.g. `['cluster-1', 'cluster-2']`; each becomes an etcd prefix. */
  clusters: string[];
  /** Istio version of the seeded images, for clusters without an entry in `istioVersions`. */
  istioVersion?: string;
  /** Istio version per cluster name. */
  istioVersions?: Record<string, string>;
  /**
   * What user `crossmesh` may do: `cluster-admin` (default, through ClusterRoleBinding
   * `crossmesh`) or `none`, for tests that grant narrower RBAC themselves.
   */
  crossmeshAccess?: CrossmeshAccess;
  /**
   * Run a real istiod (Istio's pilot-discovery, built by build-istio.sh) against each cluster's
   * apiserver, or against the clusters listed. Clusters with istiod are seeded with the version
   * it reports. Default: none, and nothing is built.
   */
  istiod?: boolean | IstiodOptions;
  /**
   * Run a data plane (see the README): a network of the bed's own, and per cluster its DNS
   * (CoreDNS), an ingress gateway and workloads with Istio sidecars (pilot-agent and Envoy).
   * Its clusters run istiod (added to `istiod` if missing). Needs root. Default: off.
   */
  dataPlane?: boolean | DataPlaneOptions;
  /**
   * Log every request of user `crossmesh` in the clusters' audit logs, reads included, not
   * only the writes of every client (the default). For counting crossmesh's requests.
   */
  auditCrossmeshReads?: boolean;
  /** Where etcd data, certificates, logs, pids and kubeconfigs go. Default: a fresh temp dir, removed by `stop()`. */
  stateDir?: string;
  /** Receives progress lines. */
  log?: (line: string) => void;
}

/**
 * Which clusters run a real istiod, and how.
 *
 * @public
 */
export interface IstiodOptions {
  /** Default: every cluster of the bed. Each istiod takes about 125 MiB. */
  clusters?: string[];
  /** Extra environment for every istiod, e.g. `{ PILOT_ENABLE_LEGACY_AUTO_PASSTHROUGH: 'true' }`. */
  env?: Record<string, string>;
}

/**
 * Which clusters get a data plane, and which workloads run in it.
 *
 * @public
 */
export interface DataPlaneOptions {
  /** Default: every cluster of the bed. */
  clusters?: string[];
  /** Default: `seedWorkloads` of the clusters the data plane runs (sleep, svc-2). */
  workloads?: BedWorkload[];
  /** Extra environment for every pilot-agent, e.g. `{ SECRET_TTL: '5m' }`. */
  proxyEnv?: Record<string, string>;
}

/**
 * A real istiod serving one cluster of the bed, on loopback.
 *
 * @public
 */
export interface TestIstiod {
  /** What `pilot-discovery version` reports; also the seeded images' tag. */
  version: string;
  /** `http://127.0.0.1:<port>`: `/ready`, `/debug/registryz`, `/debug/configz`, ... */
  debugUrl: string;
  /** `127.0.0.1:<port>`: plaintext xDS, as istiod's 15010. */
  xdsAddress: string;
  /** `127.0.0.1:<port>`: TLS xDS and the workload CA, as istiod's 15012. */
  caAddress: string;
  /** istiod's log (appended to across restarts). */
  logFile: string;
}

/**
 * One running cluster of a test bed.
 *
 * @public
 */
export interface TestCluster {
  name: string;
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The bed's CA as base64-encoded PEM, as Backstage's kubernetes `caData` and kubeconfig `certificate-authority-data` expect. */
  caData: string;
  /** Bearer token of a `system:masters` user. */
  adminToken: string;
  /** Bearer token of user `crossmesh` (group `crossmesh`). */
  crossmeshToken: string;
  /** A kubeconfig using the admin token. */
  kubeconfigPath: string;
  /**
   * The apiserver's audit log: one JSON event a line for every write by a client (verb,
   * user, objectRef, responseStatus), on disk before the write is answered.
   */
  auditLogPath: string;
  /**
   * The ingress gateway's load-balancer IP: a TEST-NET-1 address, never a traffic target, or
   * with a data plane the address its load balancer listens on.
   */
  gatewayAddress: string;
  istioVersion: string;
  /** Present when this cluster runs a real istiod. */
  istiod?: TestIstiod;
}

/**
 * The cluster entry Backstage's kubernetes plugin reads from config.
 *
 * @public
 */
export interface KubernetesClusterConfig {
  name: string;
  url: string;
  authProvider: 'serviceAccount';
  serviceAccountToken: string;
  caData: string;
  skipTLSVerify: false;
}

/**
 * The `kubernetes:` block of a Backstage app-config.
 *
 * @public
 */
export interface KubernetesConfig {
  serviceLocatorMethod: { type: 'multiTenant' };
  clusterLocatorMethods: Array<{
    type: 'config';
    clusters: KubernetesClusterConfig[];
  }>;
}

/**
 * A running test bed: one etcd and one kube-apiserver per cluster.
 *
 * @public
 */
export interface TestBed {
  clusters: TestCluster[];
  stateDir: string;
  /** The etcd every cluster keeps its objects in (under `/<cluster name>/`): `http://127.0.0.1:<port>`. */
  etcdUrl: string;
  /** The Backstage `kubernetes:` config block for these clusters, authenticating as user `crossmesh`. */
  kubernetesConfig(): KubernetesConfig;
  /** Stops one cluster's apiserver (SIGTERM, then SIGKILL after a grace period); its data stays in etcd. */
  stopCluster(name: string): Promise<void>;
  /** Kills one cluster's apiserver with SIGKILL, as a crash would; its data stays in etcd. */
  killCluster(name: string): Promise<void>;
  /** Starts a stopped cluster's apiserver again on the same port with the same data, and waits until it is ready. */
  startCluster(name: string): Promise<void>;
  /**
   * Stops one cluster's istiod (SIGTERM; SIGKILL to crash it). It stays stopped, even across
   * rollouts of its Deployment, until `startIstiod`.
   */
  stopIstiod(name: string, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts one cluster's istiod again on the same ports; resolves when it is ready. */
  startIstiod(name: string): Promise<void>;
  /** The data plane, when the bed runs one. */
  dataPlane?: DataPlane;
  /** Kills every process of the bed and removes the state dir if the bed created it. */
  stop(): Promise<void>;
}
