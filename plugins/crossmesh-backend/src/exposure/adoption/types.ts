import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import type { HandMadePort } from './handMadeServiceEntry';

/**
 * Body of `POST /adoption`.
 *
 * @internal
 */
export interface AdoptionInput {
  /** `.global` hosts; each is adopted with all its hand-made entries. */
  hosts?: string[];
  /** Candidate ids (`<cluster>/<namespace>/<name>`); each selects its host. */
  candidateIds?: string[];
  /** Say what would happen and write nothing. */
  dryRun?: boolean;
}

/**
 * One hand-made ServiceEntry as `GET /adoption/candidates` lists it.
 *
 * @internal
 */
export interface AdoptionCandidate {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  host: string;
  role: 'consumer' | 'exporter';
  addresses: string[];
  ports: HandMadePort[];
  endpoints: Array<{ address: string; ports: Record<string, number> }>;
  exportTo: string[];
  /** The Component whose annotations name the service, when exactly one does. */
  entityRef: string | null;
  /** The cluster whose gateway the entry's endpoint names. */
  sourceCluster: string | null;
  /** The exposure request that already serves this cluster, if any. */
  servedBy: string | null;
  /** Whether `POST /adoption` would take its host over now. */
  adoptable: boolean;
  /** Everything that stops its host's adoption, in words; shared by the host's entries. */
  problems: string[];
}

/**
 * Response of `GET /adoption/candidates`.
 *
 * @internal
 */
export interface AdoptionCandidateList {
  items: AdoptionCandidate[];
  /** Clusters whose ServiceEntries could not be listed: their entries are missing above. */
  unreadClusters: Array<{ cluster: string; error: string }>;
}

/**
 * An object adoption writes or deletes.
 *
 * @internal
 */
export interface AdoptionObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * What adoption does, or did, in one cluster for one host.
 *
 * @internal
 */
export interface AdoptionClusterStep {
  cluster: string;
  role: 'consumer' | 'exporter';
  /** The request whose objects replace the hand-made ones; null for a dry run's new request. */
  requestId: string | null;
  /** crossmesh's objects, applied first. */
  apply: AdoptionObjectRef[];
  /** The hand-made entries, deleted once crossmesh's are in place. */
  delete: AdoptionObjectRef[];
  yaml: string;
  /** False in a dry run, and when the cluster could not be written. */
  done: boolean;
  error?: string;
}

/**
 * The outcome for one host of `POST /adoption`.
 *
 * @internal
 */
export interface AdoptedHost {
  host: string;
  entityRef: string;
  sourceCluster: string;
  vip: string | null;
  /** The request adoption created (or, in a dry run, would create); null when none was needed. */
  request: ExposureRequest | null;
  clusters: AdoptionClusterStep[];
}

/**
 * Response of `POST /adoption`.
 *
 * @internal
 */
export interface AdoptionResult {
  dryRun: boolean;
  items: AdoptedHost[];
  unreadClusters: Array<{ cluster: string; error: string }>;
}
