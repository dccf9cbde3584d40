/**
 * The outcome of checking one value against a naming rule. When refused, `message` names the
 * field, shows the value (escaped) and states the rule.
 *
 * @public
 */
export type NameValidation = { ok: true } | { ok: false; message: string };

const OK: NameValidation = { ok: true };

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_MAX = 253;
// Kubernetes label values: ASCII letters, digits, '-', '_', '.'; alphanumeric at both ends.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The rule text used in messages for DNS-1123 labels.
 *
 * @public
 */
export const DNS1123_LABEL_RULE =
  "lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/**
 * The rule text used in messages for DNS-1123 subdomains.
 *
 * @public
 */
export const DNS1123_SUBDOMAIN_RULE =
  "DNS-1123 labels joined by '.', at most 253 characters";

/**
 * Shows a value inside a message without letting it break the message: in single quotes, with
 * control, quote and non-ASCII characters escaped and long values cut, e.g. `'foo\u{a}bar'`.
 *
 * @public
 */
export function quoteValue(value: unknown): string {
  if (typeof value !== 'string') {
    if (typeof value === 'number' || typeof value === 'boolean') {
      return String(value);
    }
    return value === null ? 'null' : typeof value;
  }
  const escaped = value
    .slice(0, 80)
    .replace(/[^\x20-\x7e]|['\\]/gu, ch =>
      ch === "'" || ch === '\\'
        ? `\\${ch}`
        : `\\u{${ch.codePointAt(0)!.toString(16)}}`,
    );
  const more = value.length > 80 ? '...' : '';
  return `'${escaped}${more}'`;
}

function refuse(field: string, value: unknown, rule: string): NameValidation {
  return { ok: false, message: `${field} ${quoteValue(value)} ${rule}` };
}

/**
 * Checks a Kubernetes DNS-1123 label (namespace and service names, port names):
 * `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
 *
 * @public
 */
export function validateDns1123Label(
  value: unknown,
  field: string,
): NameValidation {
  if (
    typeof value !== 'string' ||
    value.length > DNS1123_LABEL_MAX ||
    !DNS1123_LABEL.test(value)
  ) {
    return refuse(
      field,
      value,
      `is not a DNS-1123 label: ${DNS1123_LABEL_RULE}`,
    );
  }
  return OK;
}

/**
 * Checks a Kubernetes DNS-1123 subdomain (object names, DNS names): DNS-1123 labels joined by
 * dots, at most 253 characters.
 *
 * @public
 */
export function validateDns1123Subdomain(
  value: unknown,
  field: string,
): NameValidation {
  if (
    typeof value !== 'string' ||
    value.length > DNS1123_SUBDOMAIN_MAX ||
    !value
      .split('.')
      .every(
        label => label.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(label),
      )
  ) {
    return refuse(
      field,
      value,
      `is not a DNS-1123 subdomain: ${DNS1123_SUBDOMAIN_RULE}`,
    );
  }
  return OK;
}

/**
 * Checks a Kubernetes label value: empty, or at most 63 ASCII letters, digits, '-', '_' and '.',
 * starting and ending with a letter or digit.
 *
 * @public
 */
export function validateLabelValue(
  value: unknown,
  field: string,
): NameValidation {
  if (
    typeof value !== 'string' ||
    value.length > 63 ||
    !LABEL_VALUE.test(value)
  ) {
    return refuse(
      field,
      value,
      "is not a valid label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    );
  }
  return OK;
}

/**
 * Checks a TCP/UDP port number: an integer from 1 to 65535.
 *
 * @public
 */
export function validatePort(port: unknown, field: string): NameValidation {
  if (
    typeof port !== 'number' ||
    !Number.isInteger(port) ||
    port < 1 ||
    port > 65535
  ) {
    return refuse(
      field,
      port,
      'is not a port number: an integer from 1 to 65535',
    );
  }
  return OK;
}

/**
 * The protocols Istio selects from a port name's prefix, as written in a name (lower case).
 * UDP is left out: Istio does not carry it through the mesh.
 *
 * @public
 */
export const ISTIO_PORT_PROTOCOLS = [
  'grpc-web',
  'grpc',
  'http2',
  'http',
  'https',
  'mongo',
  'mysql',
  'redis',
  'tcp',
  'tls',
] as const;

/**
 * A protocol Istio selects from a port name, in lower case.
 *
 * @public
 */
export type IstioPortProtocol = (typeof ISTIO_PORT_PROTOCOLS)[number];

const PORT_NAME_RULE = `must be '<protocol>' or '<protocol>-<suffix>' with <protocol> one of ${ISTIO_PORT_PROTOCOLS.join(
  ', ',
)}, and a DNS-1123 label of at most 62 characters`;

/**
 * The protocol Istio infers from a port name, the way Istio does it: `grpc-web` first, then
 * the part before the first '-'. Undefined when the name has no known protocol prefix.
 *
 * @public
 */
export function protocolOfPortName(
  name: string,
): IstioPortProtocol | undefined {
  if (name === 'grpc-web' || name.startsWith('grpc-web-')) {
    return 'grpc-web';
  }
  const prefix = name.split('-', 1)[0];
  return (ISTIO_PORT_PROTOCOLS as readonly string[]).includes(prefix)
    ? (prefix as IstioPortProtocol)
    : undefined;
}

/**
 * Checks an Istio port name: a DNS-1123 label of at most 62 characters (Istio's CRD wants
 * endpoint port names shorter than 63) that starts with a protocol Istio knows, e.g. `http`,
 * `http-web`, `grpc`, `tcp-db`.
 *
 * @public
 */
export function validatePortName(name: unknown, field: string): NameValidation {
  if (
    typeof name !== 'string' ||
    name.length > DNS1123_LABEL_MAX - 1 ||
    !DNS1123_LABEL.test(name) ||
    protocolOfPortName(name) === undefined
  ) {
    return refuse(field, name, `is not an Istio port name: ${PORT_NAME_RULE}`);
  }
  return OK;
}

/**
 * Checks a port's protocol (any case, e.g. `HTTP`, `grpc-web`) against Istio's protocols.
 *
 * @public
 */
export function validatePortProtocol(
  protocol: unknown,
  field: string,
): NameValidation {
  if (
    typeof protocol !== 'string' ||
    !(ISTIO_PORT_PROTOCOLS as readonly string[]).includes(
      // toLowerCase of non-ASCII could map look-alikes (e.g. 'K' KELVIN SIGN) onto ASCII.
      /^[A-Za-z0-9-]+$/.test(protocol) ? protocol.toLowerCase() : '',
    )
  ) {
    return refuse(
      field,
      protocol,
      `is not a protocol Istio knows: one of ${ISTIO_PORT_PROTOCOLS.map(p =>
        p.toUpperCase(),
      ).join(', ')}`,
    );
  }
  return OK;
}

const GLOBAL_SUFFIX = '.global';

/**
 * The `.global` name under which a service is reachable from the other clusters of the mesh:
 * `<service>.<namespace>.global`.
 *
 * @throws Error when the service or namespace is not a DNS-1123 label; check with
 *   {@link validateDns1123Label} first to show the user a message.
 * @public
 */
export function globalHostFor(service: string, namespace: string): string {
  for (const check of [
    validateDns1123Label(service, 'service'),
    validateDns1123Label(namespace, 'namespace'),
  ]) {
    if (!check.ok) throw new Error(check.message);
  }
  return `${service}.${namespace}${GLOBAL_SUFFIX}`;
}

/**
 * Splits a `<service>.<namespace>.global` host into its parts; undefined when it is not one.
 *
 * @public
 */
export function parseGlobalHost(
  host: string,
): { service: string; namespace: string } | undefined {
  if (typeof host !== 'string' || !host.endsWith(GLOBAL_SUFFIX)) {
    return undefined;
  }
  const parts = host.slice(0, -GLOBAL_SUFFIX.length).split('.');
  if (
    parts.length !== 2 ||
    !parts.every(part => validateDns1123Label(part, 'part').ok)
  ) {
    return undefined;
  }
  return { service: parts[0], namespace: parts[1] };
}

/**
 * Checks a `<service>.<namespace>.global` host.
 *
 * @public
 */
export function validateGlobalHost(
  host: unknown,
  field: string,
): NameValidation {
  if (typeof host !== 'string' || !parseGlobalHost(host)) {
    return refuse(
      field,
      host,
      `is not a .global host: '<service>.<namespace>.global' where service and namespace are DNS-1123 labels (${DNS1123_LABEL_RULE})`,
    );
  }
  return OK;
}
