import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';

/**
 * A Git repository crossmesh opens pull requests on, and the forge that serves it.
 *
 * @internal
 */
export interface GitRepository {
  /** As configured, without a trailing `.git` or slash. */
  url: string;
  /** Which `integrations` entry authenticates crossmesh there. */
  provider: 'gitea';
  host: string;
  owner: string;
  name: string;
}

/**
 * How crossmesh delivers a cluster's objects: it writes them itself (`direct`, the default),
 * or opens pull requests on a repository that Flux or Argo CD applies (`git`).
 *
 * @internal
 */
export type ClusterDelivery =
  | { mode: 'direct' }
  | {
      mode: 'git';
      repository: GitRepository;
      /** The branch Flux applies; pull requests target it. */
      branch: string;
      /** The folder of the repository that holds the cluster's objects and kustomization. */
      path: string;
      /** `auto`: crossmesh merges its own pull requests; `reviewers`: people do. */
      merge: 'auto' | 'reviewers';
      /** crossmesh's access token on the forge: the integration's `password`. */
      token: string;
      /** Flux's Kustomization that applies the folder, when crossmesh should read its status. */
      kustomization?: { namespace: string; name: string };
      /**
       * The file of the repository that holds the cluster's ConfigMap kube-system/coredns:
       * `.global` DNS edits go there by pull request. Without it they are direct writes.
       */
      dnsFile?: string;
    };

/** @internal */
export interface DeliverySettings {
  /** The delivery of `cluster`: `direct` unless configured otherwise. */
  of(cluster: string): ClusterDelivery;
  /** The clusters delivered through Git. */
  gitClusters(): string[];
}

const KEY = 'crossmesh.delivery.clusters';
/** A Git branch name that needs no quoting anywhere: no `..`, no leading `-` or `/`. */
const BRANCH = /^(?!-|\/)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+(?<![./])$/;

/**
 * Reads `crossmesh.delivery.clusters`, each entry naming a cluster of the Kubernetes
 * configuration; throws an error that names the key, what is wrong and the fix.
 *
 * @internal
 */
export function readDeliverySettings(
  config: Config,
  knownClusters: string[],
): DeliverySettings {
  const integrations = ScmIntegrations.fromConfig(config);
  const byCluster = new Map<string, ClusterDelivery>();
  const entries = config.getOptionalConfigArray(KEY) ?? [];
  entries.forEach((entry, index) => {
    const at = `${KEY}[${index}]`;
    const cluster = entry.getString('cluster');
    if (!knownClusters.includes(cluster)) {
      throw new Error(
        `${at}.cluster is '${cluster}', which is not a cluster of kubernetes.clusterLocatorMethods; name one of ${knownClusters.join(
          ', ',
        )}`,
      );
    }
    if (byCluster.has(cluster)) {
      throw new Error(
        `${at} names cluster '${cluster}' again; give each cluster one entry`,
      );
    }
    const mode = entry.getOptionalString('mode') ?? 'direct';
    if (mode === 'direct') {
      byCluster.set(cluster, { mode: 'direct' });
      return;
    }
    if (mode !== 'git') {
      throw new Error(`${at}.mode is '${mode}'; use 'direct' or 'git'`);
    }
    const branch = entry.getOptionalString('branch') ?? 'main';
    if (!BRANCH.test(branch)) {
      throw new Error(
        `${at}.branch is '${branch}', which is not a branch name crossmesh can use (letters, digits, '.', '_', '-' and '/', no '..')`,
      );
    }
    const merge = entry.getOptionalString('merge') ?? 'reviewers';
    if (merge !== 'auto' && merge !== 'reviewers') {
      throw new Error(
        `${at}.merge is '${merge}'; use 'reviewers' (people merge crossmesh's pull requests) or 'auto' (crossmesh merges them)`,
      );
    }
    const { repository, token } = readRepository(
      entry.getString('repository'),
      `${at}.repository`,
      integrations,
    );
    const path = readPath(
      entry.getOptionalString('path') ?? cluster,
      `${at}.path`,
    );
    byCluster.set(cluster, {
      mode: 'git',
      repository,
      branch,
      path,
      merge,
      token,
      ...readKustomization(
        entry.getOptionalString('kustomization'),
        `${at}.kustomization`,
      ),
      ...readDnsFile(entry.getOptionalString('dnsFile'), `${at}.dnsFile`, path),
    });
  });
  return {
    of: cluster => byCluster.get(cluster) ?? { mode: 'direct' },
    gitClusters: () =>
      [...byCluster]
        .filter(([, delivery]) => delivery.mode === 'git')
        .map(([cluster]) => cluster),
  };
}

function readRepository(
  value: string,
  key: string,
  integrations: ScmIntegrations,
): { repository: GitRepository; token: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `${key} is '${value}', which is not a URL; give the repository's web address, e.g. https://gitea.example.net/platform/mesh`,
    );
  }
  const integration = integrations.gitea.byUrl(url.toString());
  if (!integration) {
    const other = integrations.byUrl(url.toString());
    throw new Error(
      other
        ? `${key}: ${url.host} is a ${other.type} integration, and crossmesh opens pull requests on Gitea only so far`
        : `${key}: no entry of integrations matches host ${url.host}; add one under integrations.gitea with crossmesh's token`,
    );
  }
  const base = new URL(integration.config.baseUrl ?? `https://${url.host}`);
  const rest = url.pathname
    .slice(base.pathname.replace(/\/$/, '').length)
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (rest.length !== 2) {
    throw new Error(
      `${key} is '${value}'; give the repository's address as ${base
        .toString()
        .replace(/\/$/, '')}/<owner>/<repository>`,
    );
  }
  const [owner, name] = rest;
  const token = integration.config.password;
  if (!token) {
    throw new Error(
      `${key}: the integrations.gitea entry of ${url.host} has no password; set it to an access token of crossmesh's Gitea user with write access to ${owner}/${name}`,
    );
  }
  return {
    repository: {
      url: `${base.toString().replace(/\/$/, '')}/${owner}/${name}`,
      provider: 'gitea',
      host: url.host,
      owner,
      name,
    },
    token,
  };
}

function readPath(value: string, key: string): string {
  const parts = value.split('/').filter(Boolean);
  if (
    value.startsWith('/') ||
    parts.length === 0 ||
    parts.some(p => p === '.' || p === '..')
  ) {
    throw new Error(
      `${key} is '${value}'; give a folder inside the repository, relative to its root and without '.' or '..', e.g. clusters/cluster-2/crossmesh`,
    );
  }
  return parts.join('/');
}

/** A Kubernetes object name: lower-case letters, digits and '-' (DNS label). */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function readKustomization(
  value: string | undefined,
  key: string,
): { kustomization?: { namespace: string; name: string } } {
  if (value === undefined) return {};
  const [namespace, name, ...rest] = value.split('/');
  if (
    rest.length > 0 ||
    !OBJECT_NAME.test(namespace ?? '') ||
    !OBJECT_NAME.test(name ?? '')
  ) {
    throw new Error(
      `${key} is '${value}'; name Flux's Kustomization that applies the folder as <namespace>/<name>, e.g. flux-system/mesh`,
    );
  }
  return { kustomization: { namespace, name } };
}

/** A file in a folder of the repository, outside crossmesh's own folder `path`. */
function readDnsFile(
  value: string | undefined,
  key: string,
  path: string,
): { dnsFile?: string } {
  if (value === undefined) return {};
  const parts = value.split('/').filter(Boolean);
  if (
    value.startsWith('/') ||
    parts.length < 2 ||
    parts.some(p => p === '.' || p === '..') ||
    !/\.ya?ml$/.test(value)
  ) {
    throw new Error(
      `${key} is '${value}'; give the YAML file that holds the cluster's ConfigMap kube-system/coredns, in a folder of the repository, relative to its root and without '.' or '..', e.g. clusters/cluster-2/kube-system/coredns.yaml`,
    );
  }
  const file = parts.join('/');
  if (file.startsWith(`${path}/`)) {
    throw new Error(
      `${key} is '${value}', inside ${path}, the folder crossmesh keeps to its own objects (it would remove the file); keep the ConfigMap where it is, outside that folder`,
    );
  }
  return { dnsFile: file };
}
