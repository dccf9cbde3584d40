import {
  ImportRootRequest,
  NewRootRequest,
  RootImportField,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { PemFile } from './PemFileField';

/** Where a new root comes from: crossmesh makes it, or a person brings one. */
export type RootSource = 'generate' | 'import';

export type RootKeyType = NonNullable<NewRootRequest['keyType']>;

export const ROOT_KEY_TYPES: Array<{ value: RootKeyType; label: string }> = [
  { value: 'rsa-4096', label: "RSA 4096 (Istio's tools/certs)" },
  { value: 'ecdsa-p256', label: "ECDSA P-256 (cfssl's default)" },
  { value: 'rsa-2048', label: 'RSA 2048' },
];

export interface RootFormValues {
  source: RootSource;
  keyType: RootKeyType;
  validityDays: string;
  certificate?: PemFile;
  key?: PemFile;
}

export type RootFieldErrors = Partial<
  Record<RootImportField | 'validityDays', string>
>;

export function emptyRootForm(source: RootSource): RootFormValues {
  return { source, keyType: 'rsa-4096', validityDays: '3650' };
}

/** In offline-root mode crossmesh never holds a root key: it only imports the certificate. */
export function canGenerate(mode: TrustState['mode']): boolean {
  return mode === 'managed';
}

/** What is missing before the form may be sent, per field. */
export function rootFormErrors(
  values: RootFormValues,
  mode: TrustState['mode'],
): RootFieldErrors {
  const errors: RootFieldErrors = {};
  if (values.source === 'generate') {
    const days = Number(values.validityDays);
    if (!Number.isInteger(days) || days < 1 || days > 36500) {
      errors.validityDays = 'A whole number of days from 1 to 36500';
    }
    return errors;
  }
  if (!values.certificate) {
    errors.certificate = 'Choose the root CA certificate (PEM)';
  }
  if (mode === 'managed' && !values.key) {
    errors.key = 'Choose the root CA key (PEM)';
  }
  return errors;
}

/** The request body the form's values make. */
export function toRootRequest(
  values: RootFormValues,
  mode: TrustState['mode'],
): NewRootRequest | ImportRootRequest {
  if (values.source === 'generate') {
    return {
      keyType: values.keyType,
      validityDays: Number(values.validityDays),
    };
  }
  return {
    certPem: values.certificate?.text ?? '',
    ...(mode === 'managed' && values.key ? { keyPem: values.key.text } : {}),
  };
}
