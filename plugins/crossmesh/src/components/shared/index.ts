export {
  ExposureStateLabel,
  ClusterProgressLabel,
  exposureStateWords,
} from './ExposureStateLabel';
export { ManifestPreview } from './ManifestPreview';
export { Identifier, IdentifierList } from './Identifier';
export type { IdentifierProps } from './Identifier';
export { CARD_TITLE, useReadableStyles } from './readableStyles';
export { ActionDialog, ConfirmDialog } from './ConfirmDialog';
export type { ActionDialogProps, ConfirmDialogProps } from './ConfirmDialog';
export { StatusLabel } from './StatusLabel';
export type { StatusKind } from './StatusLabel';
export { Words } from './Words';
export { MeshFactChanges } from './MeshFactChanges';
export { EntityName } from './EntityName';
export { ScrollArea } from './ScrollArea';
