export { ISTIO_NETWORKING_API_VERSION, renderExposure } from './renderExposure';
export {
  GLOBAL_GATEWAY_NAME,
  HOST_ANNOTATION,
  ISTIO_NAMESPACE,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_LABEL,
  TLS_MODE_LABEL,
  objectNameForHost,
  requestIdLabelValue,
} from './names';
export {
  DRAFT_REQUEST_ID,
  manifestsForRequest,
  memberNetworks,
  sourceClusterProblem,
} from './requestManifests';
export type {
  ClusterManifests,
  ManifestSubject,
  MeshRenderSettings,
  RequestManifests,
  SourceClusterFacts,
} from './requestManifests';
export { toYaml } from './toYaml';
export type {
  ExposurePort,
  ExposureRenderInput,
  KubeObject,
  ObservedKubeObject,
  RenderedExposure,
} from './types';
