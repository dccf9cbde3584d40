import {
  ExposurePort,
  NewExposureRequest,
  validateDns1123Label,
  validatePort,
  validatePortName,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/** What the request form holds, as the person typed it. */
export interface ExposureFormValues {
  consumerClusters: string[];
  /** `name:number` pairs, e.g. `http:8000, grpc:9090`. */
  ports: string;
  /** Comma- or space-separated namespace names; empty means every namespace. */
  consumerNamespaces: string;
  reason: string;
  /** `YYYY-MM-DD` from the date field, or empty. */
  endDate: string;
}

export type ExposureFormField = keyof ExposureFormValues;

export type ExposureFormErrors = Partial<Record<ExposureFormField, string>>;

export const emptyExposureForm: ExposureFormValues = {
  consumerClusters: [],
  ports: '',
  consumerNamespaces: '',
  reason: '',
  endDate: '',
};

// The backend's limit on the reason.
const MAX_REASON = 2000;

function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map(part => part.trim())
    .filter(Boolean);
}

/** Reads `name:number` pairs; undefined entries are those that are not `name:number`. */
export function parsePorts(text: string): Array<ExposurePort | undefined> {
  return splitList(text).map(part => {
    const match = /^([^:]*):(\d+)$/.exec(part);
    return match ? { name: match[1], number: Number(match[2]) } : undefined;
  });
}

/** Writes ports the way the Ports field reads them. */
export function formatPorts(ports: ExposurePort[]): string {
  return ports.map(port => `${port.name}:${port.number}`).join(', ');
}

function portsError(text: string): string | undefined {
  const parts = splitList(text);
  if (parts.length === 0) {
    return 'Give at least one port as name:number, e.g. http:8000';
  }
  const ports = parsePorts(text);
  const problems: string[] = [];
  ports.forEach((port, i) => {
    if (!port) {
      problems.push(`'${parts[i]}' is not name:number, e.g. http:8000`);
      return;
    }
    for (const check of [
      validatePortName(port.name, 'Port name'),
      validatePort(port.number, `Port number of ${port.name}`),
    ]) {
      if (!check.ok) problems.push(check.message);
    }
  });
  const valid = ports.filter((p): p is ExposurePort => Boolean(p));
  if (new Set(valid.map(p => p.name)).size !== valid.length) {
    problems.push('The same port name is given twice');
  }
  if (new Set(valid.map(p => p.number)).size !== valid.length) {
    problems.push('The same port number is given twice');
  }
  return problems.length ? problems.join('; ') : undefined;
}

function namespacesError(text: string): string | undefined {
  const namespaces = splitList(text);
  const problems = namespaces.flatMap(ns => {
    const check = validateDns1123Label(ns, 'Namespace');
    return check.ok ? [] : [check.message];
  });
  if (new Set(namespaces).size !== namespaces.length) {
    problems.push('The same namespace is given twice');
  }
  return problems.length ? problems.join('; ') : undefined;
}

function reasonError(text: string): string | undefined {
  if (!text.trim()) {
    return 'Say why the other clusters need this service';
  }
  return text.trim().length > MAX_REASON
    ? `At most ${MAX_REASON} characters`
    : undefined;
}

function endDateError(text: string, now: Date): string | undefined {
  if (!text) {
    return undefined;
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    return `'${text}' is not a date; pick one, e.g. 2027-01-31`;
  }
  // The backend compares the same way: the day starts at 00:00 UTC.
  if (date.getTime() <= now.getTime()) {
    return 'The end date must be in the future';
  }
  return undefined;
}

/**
 * Checks the form with the backend's rules, one message per field; the backend still
 * checks again when the request is sent.
 */
export function validateExposureForm(
  values: ExposureFormValues,
  context: { now: Date },
): ExposureFormErrors {
  const errors: ExposureFormErrors = {
    consumerClusters:
      values.consumerClusters.length === 0
        ? 'Choose at least one consumer cluster'
        : undefined,
    ports: portsError(values.ports),
    consumerNamespaces: namespacesError(values.consumerNamespaces),
    reason: reasonError(values.reason),
    endDate: endDateError(values.endDate, context.now),
  };
  for (const field of Object.keys(errors) as ExposureFormField[]) {
    if (!errors[field]) delete errors[field];
  }
  return errors;
}

/** The request body for valid form values. */
export function toNewExposureRequest(
  entityRef: string,
  values: ExposureFormValues,
): NewExposureRequest {
  return {
    entityRef,
    service: {
      ports: parsePorts(values.ports).filter((p): p is ExposurePort =>
        Boolean(p),
      ),
    },
    consumerClusters: values.consumerClusters,
    consumerNamespaces: splitList(values.consumerNamespaces),
    reason: values.reason.trim(),
    ...(values.endDate ? { endDate: values.endDate } : {}),
  };
}
