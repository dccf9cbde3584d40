export {
  decisionNotification,
  entityRecipients,
  EXPOSURE_NOTIFICATION_TOPIC,
  exposureLink,
  ExposureNotifier,
  outcomeNotification,
  requestedNotification,
} from './ExposureNotifier';
export type { ExposureOutcome } from './ExposureNotifier';
