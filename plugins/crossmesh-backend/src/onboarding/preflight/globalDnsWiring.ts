import { ensureGlobalServerBlock } from '../../exposure/dns/corefile';
import { ensureGlobalCustomServer } from '../../exposure/dns/corednsCustom';
import { DnsFlavour } from '../../exposure/dns/dnsFlavour';
import { ensureGlobalStubDomain } from '../../exposure/dns/stubDomains';
import { DnsWiringRecord } from '../../exposure/dns/wiringRecord';

/**
 * The ConfigMap in kube-system each DNS flavour reads `.global` forwarding from.
 *
 * @internal
 */
export const DNS_CONFIG_MAP_OF: Record<
  Exclude<DnsFlavour, 'unknown'>,
  string
> = {
  coredns: 'coredns',
  'coredns-custom': 'coredns-custom',
  'kube-dns': 'kube-dns',
};

/**
 * Whether a cluster's DNS already forwards `.global` names to istiocoredns, read the way
 * the DNS wiring would edit it: in place when the wiring would change nothing. Throws the
 * editors' ConflictError when someone else's `.global` entry points elsewhere.
 *
 * @internal
 */
export function isGlobalDnsWired(options: {
  flavour: Exclude<DnsFlavour, 'unknown'>;
  /** The data of {@link DNS_CONFIG_MAP_OF}[flavour]; undefined when it does not exist. */
  configMapData: Record<string, string> | undefined;
  /** What crossmesh recorded on that ConfigMap. */
  record?: DnsWiringRecord;
  istiocorednsIp: string;
}): boolean {
  const { flavour, configMapData, istiocorednsIp, record } = options;
  if (flavour === 'coredns') {
    const corefile = configMapData?.Corefile;
    return (
      corefile !== undefined &&
      !ensureGlobalServerBlock(corefile, istiocorednsIp).changed
    );
  }
  if (!configMapData) {
    return false;
  }
  const edited =
    flavour === 'coredns-custom'
      ? ensureGlobalCustomServer(configMapData, istiocorednsIp)
      : ensureGlobalStubDomain(
          configMapData,
          istiocorednsIp,
          record?.stubDomains,
        );
  return !edited.changed;
}
