export {
  RemoteSecretSync,
  REMOTE_SECRET_ACTIONS,
  type RemoteSecretReport,
  type RemoteSecretSyncOptions,
} from './RemoteSecretSync';
export { READER, remoteSecretName } from './remoteSecret';
export {
  REMOTE_SECRETS_TASK,
  scheduleRemoteSecrets,
} from './scheduleRemoteSecrets';
