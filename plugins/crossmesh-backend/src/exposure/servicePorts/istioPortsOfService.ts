import {
  ExposurePort,
  IstioPortProtocol,
  protocolOfPortName,
  validatePortName,
  validatePortProtocol,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * The parts of a Kubernetes Service port that name it for Istio.
 *
 * @internal
 */
export interface ServicePortView {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

// Kubernetes' own appProtocol values (KEP-3726) that map onto an Istio protocol.
const KUBERNETES_APP_PROTOCOLS: Record<string, IstioPortProtocol> = {
  'kubernetes.io/h2c': 'http2',
  'kubernetes.io/ws': 'http',
  'kubernetes.io/wss': 'https',
};

/** The Istio protocol an `appProtocol` selects, or undefined when Istio would not know it. */
export function protocolOfAppProtocol(
  appProtocol: string | undefined,
): IstioPortProtocol | undefined {
  if (!appProtocol) {
    return undefined;
  }
  const known = KUBERNETES_APP_PROTOCOLS[appProtocol];
  if (known) {
    return known;
  }
  return validatePortProtocol(appProtocol, 'appProtocol').ok
    ? (appProtocol.toLowerCase() as IstioPortProtocol)
    : undefined;
}

/** Names to try for one port, best first; the last one is always valid. */
function candidateNames(port: ServicePortView): string[] {
  const { name, port: number } = port;
  const validName = name && validatePortName(name, 'name').ok ? name : '';
  // Istio reads appProtocol before the port name, so the name must agree with it.
  const protocol = protocolOfAppProtocol(port.appProtocol);
  if (protocol) {
    return [
      validName && protocolOfPortName(validName) === protocol ? validName : '',
      name ? `${protocol}-${name}` : '',
      protocol,
      `${protocol}-${number}`,
    ].filter(candidate => candidate && validatePortName(candidate, 'n').ok);
  }
  return [validName, `tcp-${number}`].filter(Boolean);
}

/**
 * Names a Service's ports the Istio way: the port's name when Istio reads a protocol from it,
 * else its `appProtocol` (`http`, `grpc`, `kubernetes.io/h2c`...), else `tcp-<port>`. UDP and
 * SCTP ports are left out (Istio does not carry them between clusters); names stay unique.
 *
 * @internal
 */
export function istioPortsOfService(ports: ServicePortView[]): ExposurePort[] {
  const taken = new Set<string>();
  const result: ExposurePort[] = [];
  for (const port of ports) {
    if ((port.protocol ?? 'TCP').toUpperCase() !== 'TCP') {
      continue;
    }
    const candidates = candidateNames(port);
    const name =
      candidates.find(candidate => !taken.has(candidate)) ??
      `${candidates[candidates.length - 1]}-${port.port}`;
    taken.add(name);
    result.push({ name, number: port.port });
  }
  return result;
}
