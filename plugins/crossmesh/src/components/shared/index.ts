export {
  ExposureStateLabel,
  ClusterProgressLabel,
  exposureStateWords,
} from './ExposureStateLabel';
export { ManifestPreview } from './ManifestPreview';
