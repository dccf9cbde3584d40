import { parseCorefile } from './corefileSyntax';

/**
 * Which cluster DNS a calling cluster runs, and so which editor wires
 * `.global` names:
 *
 * - `coredns`: edit crossmesh's block in the `Corefile` of ConfigMap
 *   kube-system/coredns (kubeadm, kind, minikube, EKS, most others);
 * - `coredns-custom`: write a `*.server` key in ConfigMap
 *   kube-system/coredns-custom, because the main ConfigMap is managed and
 *   reverted (AKS's addon manager; k3s re-applies its manifest on restart);
 * - `kube-dns`: add `stubDomains` to ConfigMap kube-system/kube-dns (GKE
 *   Standard);
 * - `unknown`: none of the above could be recognised.
 *
 * @internal
 */
export type DnsFlavour = 'coredns' | 'coredns-custom' | 'kube-dns' | 'unknown';

/**
 * The kube-system ConfigMaps the `.global` wiring reads and writes: one per flavour, named
 * after it.
 *
 * @internal
 */
export const DNS_CONFIG_MAPS = [
  'coredns',
  'coredns-custom',
  'kube-dns',
] as const;

/**
 * The parts of a ConfigMap the detector looks at.
 *
 * @internal
 */
export interface ConfigMapLike {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
}

/**
 * A node as the detector sees it.
 *
 * @internal
 */
export interface NodeLike {
  name?: string;
  labels?: Record<string, string>;
  /** `status.nodeInfo.kubeletVersion`, e.g. `v1.30.6+k3s1`. */
  kubeletVersion?: string;
}

/**
 * What the cluster has in kube-system, as read by the caller.
 *
 * @internal
 */
export interface DnsFlavourInput {
  /** ConfigMap kube-system/coredns, if it exists. */
  corednsConfigMap?: ConfigMapLike;
  /** ConfigMap kube-system/kube-dns, if it exists. */
  kubeDnsConfigMap?: ConfigMapLike;
  /** ConfigMap kube-system/coredns-custom, if it exists. */
  corednsCustomConfigMap?: ConfigMapLike;
  /** Whether Deployment kube-system/kube-dns exists (kube-dns proper; GKE). */
  kubeDnsDeploymentPresent?: boolean;
  /** Whether Deployment kube-system/coredns exists. */
  corednsDeploymentPresent?: boolean;
  /** The ConfigMaps Deployment kube-system/coredns mounts as volumes, when it was read. */
  corednsDeploymentConfigMaps?: string[];
  /** Some of the cluster's nodes, when they could be listed. */
  nodes?: NodeLike[];
}

const ADDON_MANAGER_MODE = 'addonmanager.kubernetes.io/mode';
// Label the k3s deploy controller puts on what it applies from its manifests.
const K3S_OBJECTSET_HASH = 'objectset.rio.cattle.io/hash';
const K3S_CUSTOM_IMPORT = '/etc/coredns/custom/*.server';
const INSTANCE_TYPE = 'node.kubernetes.io/instance-type';

function customServerImports(corefile: string): string[] {
  try {
    return parseCorefile(corefile).entries.flatMap(e =>
      e.kind === 'import'
        ? e.args.filter(a => /(^|\/)custom\/\*\.server$/.test(a))
        : [],
    );
  } catch {
    return [];
  }
}

/**
 * What marks a cluster as k3s, one clause each: its Corefile's import line, the coredns
 * Deployment's coredns-custom volume, the placeholders of k3s's manifest, the k3s deploy
 * controller's label, or a k3s node. Empty when there is none.
 */
function k3sEvidence(input: DnsFlavourInput): string[] {
  const coredns = input.corednsConfigMap;
  const corefile = coredns?.data?.Corefile ?? '';
  const evidence: string[] = [];
  if (customServerImports(corefile).includes(K3S_CUSTOM_IMPORT)) {
    evidence.push(
      `its Corefile imports ${K3S_CUSTOM_IMPORT}, as k3s's manifest does`,
    );
  }
  if (input.corednsDeploymentConfigMaps?.includes('coredns-custom')) {
    evidence.push(
      'Deployment kube-system/coredns mounts ConfigMap coredns-custom',
    );
  }
  const placeholder = /%\{[A-Z_]+\}%/.exec(corefile);
  if (placeholder) {
    evidence.push(
      `its Corefile holds ${placeholder[0]}, a placeholder of k3s's manifest`,
    );
  }
  if (K3S_OBJECTSET_HASH in (coredns?.metadata?.labels ?? {})) {
    evidence.push(
      `ConfigMap kube-system/coredns carries ${K3S_OBJECTSET_HASH}, the label of the k3s deploy controller`,
    );
  }
  const byLabel = input.nodes?.find(n => n.labels?.[INSTANCE_TYPE] === 'k3s');
  const byVersion = input.nodes?.find(n =>
    /\+k3s\d*$/.test(n.kubeletVersion ?? ''),
  );
  if (byLabel) {
    evidence.push(`node ${byLabel.name} is labelled ${INSTANCE_TYPE}=k3s`);
  } else if (byVersion) {
    evidence.push(
      `node ${byVersion.name} runs kubelet ${byVersion.kubeletVersion}`,
    );
  }
  return evidence;
}

const K3S_REAPPLIES =
  'k3s re-applies ConfigMap kube-system/coredns from its manifest on every restart, so an edit there would be lost';

/**
 * Decides which DNS editor applies to a cluster, with the reasoning in
 * `reason` (shown to the platform team next to the DNS wiring).
 *
 * @internal
 */
export function detectDnsFlavour(input: DnsFlavourInput): {
  flavour: DnsFlavour;
  reason: string;
} {
  const coredns = input.corednsConfigMap;
  const corefile = coredns?.data?.Corefile;
  const labels = coredns?.metadata?.labels ?? {};
  const reconciled = labels[ADDON_MANAGER_MODE] === 'Reconcile';
  const imports =
    corefile !== undefined && customServerImports(corefile).length > 0;
  const custom = input.corednsCustomConfigMap;

  if (
    input.kubeDnsDeploymentPresent &&
    input.corednsDeploymentPresent !== true
  ) {
    return {
      flavour: 'kube-dns',
      reason:
        'Deployment kube-system/kube-dns runs and no coredns Deployment was seen (GKE Standard style): ' +
        'crossmesh adds stubDomains "global" to ConfigMap kube-system/kube-dns.',
    };
  }

  if (coredns) {
    const k3s = k3sEvidence(input);
    if (k3s.length > 0) {
      return imports
        ? {
            flavour: 'coredns-custom',
            reason: `k3s (${k3s.join('; ')}): ${K3S_REAPPLIES}. crossmesh ${
              custom
                ? 'writes'
                : 'creates ConfigMap kube-system/coredns-custom with'
            } its own *.server key${
              custom ? ' in ConfigMap kube-system/coredns-custom' : ''
            }, which that import reads.`,
          }
        : {
            flavour: 'unknown',
            reason: `k3s (${k3s.join(
              '; ',
            )}): ${K3S_REAPPLIES}, and this Corefile imports no custom *.server files to write to instead (current k3s imports ${K3S_CUSTOM_IMPORT}). Upgrade k3s, wire .global DNS by hand, or use the dns-proxy strategy.`,
          };
    }
    if (custom && (reconciled || imports)) {
      return {
        flavour: 'coredns-custom',
        reason: `ConfigMap kube-system/coredns-custom exists and the coredns ConfigMap ${
          reconciled
            ? `is labelled ${ADDON_MANAGER_MODE}: Reconcile (AKS: edits to it are reverted)`
            : 'imports custom/*.server'
        }: crossmesh writes its own *.server key there.`,
      };
    }
    if (reconciled && imports) {
      return {
        flavour: 'coredns-custom',
        reason: `The coredns ConfigMap is labelled ${ADDON_MANAGER_MODE}: Reconcile (edits are reverted) and its Corefile imports custom/*.server: crossmesh creates ConfigMap kube-system/coredns-custom with its own *.server key.`,
      };
    }
    if (reconciled) {
      return {
        flavour: 'unknown',
        reason: `The coredns ConfigMap is labelled ${ADDON_MANAGER_MODE}: Reconcile, so edits to it are reverted, and its Corefile imports no custom/*.server files: wire .global DNS by hand or use the dns-proxy strategy.`,
      };
    }
    if (corefile === undefined) {
      return {
        flavour: 'unknown',
        reason:
          'ConfigMap kube-system/coredns has no Corefile key: crossmesh does not know where this CoreDNS reads its configuration.',
      };
    }
    return {
      flavour: 'coredns',
      reason: `ConfigMap kube-system/coredns holds a Corefile that nothing re-applies (no ${ADDON_MANAGER_MODE}: Reconcile label, and no sign of k3s: no /etc/coredns/custom import, coredns-custom volume, %{...}% placeholder, deploy-controller label or k3s node): crossmesh adds its own global:53 server block to it.`,
    };
  }

  if (input.kubeDnsConfigMap || input.kubeDnsDeploymentPresent) {
    return {
      flavour: 'kube-dns',
      reason: `No coredns ConfigMap; ${
        input.kubeDnsDeploymentPresent
          ? 'Deployment kube-system/kube-dns runs'
          : 'ConfigMap kube-system/kube-dns exists'
      } (GKE Standard style): crossmesh adds stubDomains "global" to ConfigMap kube-system/kube-dns.`,
    };
  }

  return {
    flavour: 'unknown',
    reason:
      'Neither ConfigMap kube-system/coredns nor kube-dns (ConfigMap or Deployment) was found; the cluster may use another DNS (e.g. GKE Cloud DNS or NodeLocal DNS only): wire .global DNS by hand or use the dns-proxy strategy.',
  };
}
