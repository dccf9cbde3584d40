import { parseCorefile } from './corefileSyntax';

/**
 * Which cluster DNS a calling cluster runs, and so which editor wires
 * `.global` names:
 *
 * - `coredns`: edit crossmesh's block in the `Corefile` of ConfigMap
 *   kube-system/coredns (kubeadm, kind, minikube, EKS, most others);
 * - `coredns-custom`: write a `*.server` key in ConfigMap
 *   kube-system/coredns-custom, because the main ConfigMap is managed and
 *   reverted (AKS; k3s re-applies its manifest on restart);
 * - `kube-dns`: add `stubDomains` to ConfigMap kube-system/kube-dns (GKE
 *   Standard);
 * - `unknown`: none of the above could be recognised.
 *
 * @internal
 */
export type DnsFlavour = 'coredns' | 'coredns-custom' | 'kube-dns' | 'unknown';

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
}

const ADDON_MANAGER_MODE = 'addonmanager.kubernetes.io/mode';
// Label the k3s deploy controller puts on what it applies from its manifests.
const K3S_OBJECTSET_HASH = 'objectset.rio.cattle.io/hash';

function importsCustomServers(corefile: string): boolean {
  try {
    return parseCorefile(corefile).entries.some(
      e =>
        e.kind === 'import' &&
        e.args.some(a => /(^|\/)custom\/\*\.server$/.test(a)),
    );
  } catch {
    return false;
  }
}

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
  const k3sManaged = K3S_OBJECTSET_HASH in labels;
  const imports = corefile !== undefined && importsCustomServers(corefile);

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
    if (input.corednsCustomConfigMap && (reconciled || imports)) {
      return {
        flavour: 'coredns-custom',
        reason: `ConfigMap kube-system/coredns-custom exists and the coredns ConfigMap ${
          reconciled
            ? `is labelled ${ADDON_MANAGER_MODE}: Reconcile (AKS: edits to it are reverted)`
            : 'imports custom/*.server'
        }: crossmesh writes its own *.server key there.`,
      };
    }
    if ((reconciled || k3sManaged) && imports) {
      return {
        flavour: 'coredns-custom',
        reason: `The coredns ConfigMap is ${
          reconciled
            ? `labelled ${ADDON_MANAGER_MODE}: Reconcile`
            : 'applied by the k3s deploy controller'
        } (edits are reverted) and its Corefile imports custom/*.server: crossmesh creates ConfigMap kube-system/coredns-custom with its own *.server key.`,
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
      reason:
        'ConfigMap kube-system/coredns holds a Corefile that is not reconciled by an addon manager: crossmesh adds its own global:53 server block to it.',
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
