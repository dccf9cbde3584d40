import { ConflictError } from '@backstage/errors';
import {
  ensureGlobalServerBlock,
  findGlobalServerBlocks,
  GlobalServerBlockAction,
  handWrittenBlockProblem,
  removeGlobalServerBlock,
} from './corefile';
import { parseForwardAddress } from './forwardAddress';

/**
 * The key crossmesh writes in ConfigMap kube-system/coredns-custom. AKS (and
 * k3s) import every `*.server` key of that ConfigMap as whole server blocks.
 *
 * @internal
 */
export const CROSSMESH_CUSTOM_SERVER_KEY = 'crossmesh-global.server';

/**
 * Makes CoreDNS forward `*.global` to `ip` through crossmesh's own key
 * `crossmesh-global.server` in the `coredns-custom` ConfigMap; other keys
 * stay as they were. A `global` block in another `*.server` key that already
 * forwards only to `ip` is adopted (crossmesh adds nothing, and drops its own
 * key if present); one that forwards elsewhere is a ConflictError.
 *
 * @internal
 */
export function ensureGlobalCustomServer(
  corednsCustomData: Record<string, string> | undefined,
  ip: string,
): {
  data: Record<string, string>;
  changed: boolean;
  action: GlobalServerBlockAction;
} {
  const address = parseForwardAddress(ip);
  const data = { ...corednsCustomData };

  let adoptedFrom: string | undefined;
  for (const [key, value] of Object.entries(data)) {
    if (key === CROSSMESH_CUSTOM_SERVER_KEY || !key.endsWith('.server')) {
      continue;
    }
    for (const block of findGlobalServerBlocks(value)) {
      const problem = handWrittenBlockProblem(
        block,
        address,
        `ConfigMap kube-system/coredns-custom key "${key}"`,
      );
      if (problem) throw new ConflictError(problem);
      adoptedFrom = key;
    }
  }

  if (adoptedFrom !== undefined) {
    const changed = CROSSMESH_CUSTOM_SERVER_KEY in data;
    delete data[CROSSMESH_CUSTOM_SERVER_KEY];
    return { data, changed, action: 'adopted' };
  }

  const before = data[CROSSMESH_CUSTOM_SERVER_KEY];
  const result = ensureGlobalServerBlock(before ?? '', address);
  data[CROSSMESH_CUSTOM_SERVER_KEY] = result.corefile;
  return { data, changed: result.changed, action: result.action };
}

/**
 * Removes crossmesh's `crossmesh-global.server` key from the
 * `coredns-custom` data (or, if someone added other blocks to that key,
 * only crossmesh's block inside it). Other keys stay as they were.
 *
 * @internal
 */
export function removeGlobalCustomServer(
  corednsCustomData: Record<string, string> | undefined,
): { data: Record<string, string>; changed: boolean } {
  const data = { ...corednsCustomData };
  const value = data[CROSSMESH_CUSTOM_SERVER_KEY];
  if (value === undefined) return { data, changed: false };
  const rest = removeGlobalServerBlock(value).corefile;
  if (rest.trim() === '') {
    delete data[CROSSMESH_CUSTOM_SERVER_KEY];
    return { data, changed: true };
  }
  data[CROSSMESH_CUSTOM_SERVER_KEY] = rest;
  return { data, changed: rest !== value };
}
