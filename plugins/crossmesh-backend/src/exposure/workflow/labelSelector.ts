/**
 * One requirement of a Kubernetes label selector.
 *
 * @internal
 */
export type LabelRequirement =
  | { key: string; op: 'exists' | 'absent' }
  | { key: string; op: 'in' | 'notin'; values: string[] };

const KEY =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits at commas outside parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim());
}

function checkKey(key: string, part: string): string {
  if (!KEY.test(key) || key.length > 316) {
    throw new Error(`'${part}' has no valid label key`);
  }
  return key;
}

function checkValues(values: string[], part: string): string[] {
  for (const value of values) {
    if (!VALUE.test(value) || value.length > 63) {
      throw new Error(`'${part}' has an invalid label value '${value}'`);
    }
  }
  return values;
}

/**
 * Parses a label selector as `kubectl -l` and the Kubernetes plugin's
 * `backstage.io/kubernetes-label-selector` take it: `key`, `!key`, `key=value`,
 * `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, joined by commas.
 * Throws an Error naming the part it cannot read.
 *
 * @internal
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (!selector.trim()) {
    throw new Error('the selector is empty');
  }
  return splitRequirements(selector).map(part => {
    let match = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(part);
    if (match) {
      const [, key, op, value] = match;
      return {
        key: checkKey(key, part),
        op: op === '!=' ? 'notin' : 'in',
        values: checkValues([value], part),
      };
    }
    match = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
    if (match) {
      const [, key, op, list] = match;
      const values = list.split(',').map(v => v.trim());
      return {
        key: checkKey(key, part),
        op: op as 'in' | 'notin',
        values: checkValues(values, part),
      };
    }
    match = /^(!?)\s*(\S+)$/.exec(part);
    if (match) {
      return {
        key: checkKey(match[2], part),
        op: match[1] ? 'absent' : 'exists',
      };
    }
    throw new Error(`cannot read '${part}'`);
  });
}

/**
 * Whether labels satisfy every requirement, as the API server decides it (`!=` and `notin`
 * also match labels without the key).
 *
 * @internal
 */
export function matchesLabelSelector(
  requirements: LabelRequirement[],
  labels: Record<string, string>,
): boolean {
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'absent':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
      default:
        return false;
    }
  });
}
