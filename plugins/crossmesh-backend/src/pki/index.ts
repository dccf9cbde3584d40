/**
 * Pure PKI functions for the mesh's root and per-cluster intermediate CAs and
 * Istio's `cacerts` Secret. No cluster or database I/O.
 *
 * @packageDocumentation
 */

export type { DistinguishedName } from './der';
export type { KeyType, ExistingKeyType } from './keys';
export { DEFAULT_ROOT_SUBJECT, ISTIOD_DNS_NAME } from './conventions';
export {
  generateRootCa,
  importOfflineRootCertificate,
  importRootCa,
} from './rootCa';
export type {
  CaKeyPair,
  GenerateRootCaOptions,
  ImportedRootCa,
  OfflineRootCa,
} from './rootCa';
export { issueIntermediateCa } from './intermediateCa';
export type {
  IntermediateCa,
  IssueIntermediateCaOptions,
} from './intermediateCa';
export { acceptSignedIntermediate, createIntermediateCsr } from './offlineRoot';
export type {
  AcceptSignedIntermediateInput,
  CreateIntermediateCsrOptions,
  IntermediateCsr,
} from './offlineRoot';
export { buildCacerts, CACERTS_KEYS, inspectCacerts } from './cacerts';
export type {
  BuildCacertsInput,
  CacertsFiles,
  CacertsReport,
  CacertsStatus,
  InspectCacertsOptions,
} from './cacerts';
export {
  checkKeyEncryptionKey,
  deriveKek,
  isKekMisconfiguration,
  openPrivateKey,
  SealedKeyError,
  sealPrivateKey,
} from './sealedKeys';
export type { KeyEncryptionKey, SealedKeyFailure } from './sealedKeys';
