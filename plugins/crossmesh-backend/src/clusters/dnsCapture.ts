import { parse } from 'yaml';

/**
 * Whether the sidecars' DNS proxy captures DNS, which the `dns-proxy` strategy needs for
 * `.global` names to resolve.
 *
 * @internal
 */
export type DnsCapture = 'enabled' | 'disabled' | 'unknown';

/**
 * @internal
 */
export interface DnsCaptureReading {
  dnsCapture: DnsCapture;
  dnsCaptureDetail: string;
}

const WHERE =
  "defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE in the 'mesh' key of ConfigMap istio-system/istio";
const HOW_TO_ENABLE = `set ${WHERE} to "true" (istioctl install --set meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE=true)`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads DNS capture from the `mesh` key of ConfigMap `istio` (mesh config YAML).
 * `meshYaml` is undefined when the ConfigMap or its key is missing.
 *
 * @internal
 */
export function parseDnsCapture(
  meshYaml: string | undefined,
): DnsCaptureReading {
  if (meshYaml === undefined) {
    return {
      dnsCapture: 'unknown',
      dnsCaptureDetail: `ConfigMap istio-system/istio has no 'mesh' key, so DNS capture cannot be checked; ${HOW_TO_ENABLE}`,
    };
  }
  let mesh: unknown;
  try {
    mesh = parse(meshYaml);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error))
      .split('\n')[0]
      .trim();
    return {
      dnsCapture: 'unknown',
      dnsCaptureDetail: `The 'mesh' key of ConfigMap istio-system/istio is not valid YAML (${reason}), so DNS capture cannot be checked`,
    };
  }
  if (mesh !== null && mesh !== undefined && !isRecord(mesh)) {
    return {
      dnsCapture: 'unknown',
      dnsCaptureDetail: `The 'mesh' key of ConfigMap istio-system/istio is not a YAML mapping, so DNS capture cannot be checked`,
    };
  }
  const defaultConfig = isRecord(mesh) ? mesh.defaultConfig : undefined;
  const proxyMetadata = isRecord(defaultConfig)
    ? defaultConfig.proxyMetadata
    : undefined;
  const value = isRecord(proxyMetadata)
    ? proxyMetadata.ISTIO_META_DNS_CAPTURE
    : undefined;
  // proxyMetadata values are env var strings, but an unquoted `true` parses as a boolean.
  const text =
    value === undefined || value === null
      ? undefined
      : String(value).trim().toLocaleLowerCase('en-US');
  if (text === 'true') {
    return {
      dnsCapture: 'enabled',
      dnsCaptureDetail: `DNS capture is on (${WHERE} is "true"): sidecars resolve .global names`,
    };
  }
  return {
    dnsCapture: 'disabled',
    dnsCaptureDetail:
      text === undefined
        ? `DNS capture is off (${WHERE} is not set), so sidecars cannot resolve .global names; ${HOW_TO_ENABLE}`
        : `DNS capture is off (${WHERE} is "${String(
            value,
          )}"), so sidecars cannot resolve .global names; ${HOW_TO_ENABLE}`,
  };
}
