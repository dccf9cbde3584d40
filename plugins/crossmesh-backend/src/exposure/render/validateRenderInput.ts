import { InputError } from '@backstage/errors';
import {
  MeshStrategy,
  NameValidation,
  protocolOfPortName,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateGlobalHost,
  validatePort,
  validatePortName,
  validatePortProtocol,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { isAllocatableVip, isIpv4 } from '../vip';
import type { ExposureRenderInput } from './types';

function check(results: NameValidation[]): void {
  const messages = results.flatMap(r => (r.ok ? [] : [r.message]));
  if (messages.length > 0) {
    throw new InputError(messages.join('; '));
  }
}

function duplicates(
  values: ReadonlyArray<unknown>,
  field: string,
): NameValidation[] {
  const seen = new Set<unknown>();
  return values.flatMap((value, i) => {
    if (seen.has(value)) {
      return [
        {
          ok: false as const,
          message: `${field}[${i}] ${JSON.stringify(value)} is listed twice`,
        },
      ];
    }
    seen.add(value);
    return [];
  });
}

/**
 * Checks every field renderExposure reads, and throws once naming every problem.
 *
 * @throws InputError
 * @internal
 */
export function validateRenderInput(
  strategy: MeshStrategy,
  input: ExposureRenderInput,
): void {
  const results: NameValidation[] = [validateGlobalHost(input.host, 'host')];
  if (typeof input.requestId !== 'string' || input.requestId === '') {
    results.push({
      ok: false,
      message: 'requestId must be a non-empty string',
    });
  }
  if (!isAllocatableVip(input.vip)) {
    results.push({
      ok: false,
      message: `vip ${JSON.stringify(
        input.vip,
      )} is not an address in 240.0.0.0/4 outside 240.240.0.0/16`,
    });
  }
  const ports = Array.isArray(input.ports) ? input.ports : [];
  if (ports.length === 0) {
    results.push({ ok: false, message: 'ports must list at least one port' });
  }
  ports.forEach((port, i) => {
    results.push(validatePortName(port?.name, `ports[${i}].name`));
    results.push(validatePort(port?.number, `ports[${i}].number`));
    if (port?.protocol !== undefined) {
      const protocol = validatePortProtocol(
        port.protocol,
        `ports[${i}].protocol`,
      );
      results.push(protocol);
      const named =
        typeof port.name === 'string'
          ? protocolOfPortName(port.name)
          : undefined;
      if (protocol.ok && named && port.protocol.toLowerCase() !== named) {
        results.push({
          ok: false,
          message: `ports[${i}].protocol '${
            port.protocol
          }' disagrees with the name '${
            port.name
          }', which Istio reads as ${named.toUpperCase()}`,
        });
      }
    }
  });
  results.push(
    ...duplicates(
      ports.map(p => p?.name),
      'ports.name',
    ),
  );
  results.push(
    ...duplicates(
      ports.map(p => p?.number),
      'ports.number',
    ),
  );
  const exportTo = input.exportTo ?? [];
  exportTo.forEach((namespace, i) =>
    results.push(validateDns1123Label(namespace, `exportTo[${i}]`)),
  );
  results.push(...duplicates(exportTo, 'exportTo'));
  (input.admittedNamespaces ?? []).forEach((namespace, i) =>
    results.push(validateDns1123Label(namespace, `admittedNamespaces[${i}]`)),
  );
  const gateway = input.remoteGateway;
  if (strategy !== 'multi-primary' || gateway !== undefined) {
    if (!isIpv4(gateway?.address as string)) {
      results.push(
        validateDns1123Subdomain(gateway?.address, 'remoteGateway.address'),
      );
    }
    results.push(validatePort(gateway?.port, 'remoteGateway.port'));
  }
  if (input.localService) {
    results.push(
      validateDns1123Label(input.localService.name, 'localService.name'),
      validateDns1123Label(
        input.localService.namespace,
        'localService.namespace',
      ),
    );
  }
  check(results);
}
