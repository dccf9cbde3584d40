import { MeshStrategy } from '@crossmesh/backstage-plugin-crossmesh-common';
import type { V1Container, V1Deployment } from '@kubernetes/client-node';

/**
 * istiod's own container in its Deployment: the one named `discovery`, else the first.
 *
 * @internal
 */
export function istiodContainer(
  istiod: V1Deployment | undefined | null,
): V1Container | undefined {
  const containers = istiod?.spec?.template?.spec?.containers ?? [];
  return containers.find(c => c.name === 'discovery') ?? containers[0];
}

/**
 * A parsed Istio release number.
 *
 * @internal
 */
export interface IstioVersion {
  major: number;
  minor: number;
  patch: number;
  /** As written in the image tag, without variant suffixes such as `-distroless`. */
  text: string;
}

const VERSION_IN_TAG = /^v?(\d+)\.(\d+)(?:\.(\d+))?/;

/**
 * Reads Istio's version from an istiod image reference such as
 * `docker.io/istio/pilot:1.6.8` or `gcr.io/istio-release/pilot:1.22.3-distroless`.
 * Returns null when the tag is not a version (a digest, `latest`, a custom build).
 *
 * @internal
 */
export function parseIstioVersion(image: string): IstioVersion | null {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const nameAndTag = withoutDigest.slice(lastSlash + 1);
  const colon = nameAndTag.indexOf(':');
  if (colon < 0) {
    return null;
  }
  const match = VERSION_IN_TAG.exec(nameAndTag.slice(colon + 1));
  if (!match) {
    return null;
  }
  const [, major, minor, patch] = match;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch ?? 0),
    text: `${major}.${minor}${patch === undefined ? '' : `.${patch}`}`,
  };
}

/**
 * The strategy a cluster's Istio supports best: the `.global` stub-domain model up to
 * 1.7, the sidecar DNS proxy from 1.8 on (istiocoredns was removed in 1.9, and 1.8.6
 * stopped rewriting `.global` SNI at the gateway).
 *
 * @internal
 */
export function strategyForIstioVersion(version: IstioVersion): MeshStrategy {
  if (version.major > 1 || version.minor >= 8) {
    return 'dns-proxy';
  }
  return 'legacy-global';
}

/**
 * Whether a cluster's gateway can serve the exporting side of `legacy-global`: Istio's
 * gateway rewrote `.global` SNI to the local `.svc.cluster.local` service until 1.8.5 and
 * 1.9.4; 1.8.6 and 1.9.5 stopped unless istiod ran with
 * `PILOT_ENABLE_LEGACY_AUTO_PASSTHROUGH=true`, and Istio 1.18 removed that flag
 * (istio/istio#44592).
 *
 * @internal
 */
export function legacyGlobalGatewaySupport(
  version: IstioVersion,
): 'native' | 'with-legacy-flag' | 'none' {
  const { major, minor, patch } = version;
  if (major > 1 || minor >= 18) {
    return 'none';
  }
  if (minor > 9 || (minor === 9 && patch >= 5) || (minor === 8 && patch >= 6)) {
    return 'with-legacy-flag';
  }
  return 'native';
}
