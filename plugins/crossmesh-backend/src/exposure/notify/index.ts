export { ExposureNotifier } from './ExposureNotifier';
export {
  decisionNotification,
  entityRecipients,
  EXPOSURE_NOTIFICATION_TOPIC,
  exposureLink,
  outcomeNotification,
  requestedNotification,
} from './exposureNotifications';
export type { ExposureOutcome } from './exposureNotifications';
