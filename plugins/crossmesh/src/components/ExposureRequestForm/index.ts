export { ExposureRequestDialog } from './ExposureRequestDialog';
export type { ExposureRequestDialogProps } from './ExposureRequestDialog';
