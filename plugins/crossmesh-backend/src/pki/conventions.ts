import { InputError } from '@backstage/errors';
import {
  authorityKeyIdValue,
  basicConstraintsValue,
  DistinguishedName,
  dnsSanValue,
  Extension,
  keyUsageValue,
  KeyUsageBit,
  OID,
  octetString,
} from './der';

/**
 * Subject of a root CA made by crossmesh unless another is given; the same
 * as Istio's tools/certs Makefile.
 *
 * @public
 */
export const DEFAULT_ROOT_SUBJECT: Readonly<DistinguishedName> = {
  organization: 'Istio',
  commonName: 'Root CA',
};

/**
 * DNS name istiod serves under; Istio's tools put it in the intermediate's SAN.
 *
 * @public
 */
export const ISTIOD_DNS_NAME = 'istiod.istio-system.svc';

const MS_PER_DAY = 24 * 60 * 60 * 1000;

/**
 * How far certificates crossmesh issues are back-dated, as cfssl does, so that clusters
 * whose clocks run behind accept them at once.
 */
export const BACKDATE_MS = 5 * 60 * 1000;

/**
 * How far ahead of this server's clock a certificate's validity may start when crossmesh
 * accepts or inspects it: a signer whose clock runs a few minutes fast is not an error.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * MS_PER_DAY);
}

export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / MS_PER_DAY;
}

export function validateValidityDays(days: unknown, what: string): number {
  if (
    typeof days !== 'number' ||
    !Number.isInteger(days) ||
    days < 1 ||
    days > 36500
  ) {
    throw new InputError(
      `${what} validityDays must be a whole number of days between 1 and 36500, got ${String(
        days,
      )}.`,
    );
  }
  return days;
}

export function validateNow(now: unknown): Date {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new InputError('now must be a valid Date.');
  }
  return now;
}

/** The cluster name becomes the L attribute (X.520 allows up to 128 characters). */
export function validateClusterName(clusterName: unknown): string {
  if (
    typeof clusterName !== 'string' ||
    clusterName.trim() === '' ||
    clusterName.length > 128 ||
    [...clusterName].some(
      c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f,
    )
  ) {
    throw new InputError(
      `clusterName must be 1 to 128 printable characters, got ${JSON.stringify(
        clusterName,
      )}.`,
    );
  }
  return clusterName;
}

export function intermediateSubject(clusterName: string): DistinguishedName {
  return {
    organization: 'Istio',
    commonName: 'Intermediate CA',
    locality: clusterName,
  };
}

export function caKeyUsage(): Extension {
  return {
    id: OID.keyUsage,
    critical: true,
    value: keyUsageValue([KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]),
  };
}

export function subjectKeyIdExtension(keyId: Buffer): Extension {
  return {
    id: OID.subjectKeyIdentifier,
    critical: false,
    value: octetString(keyId),
  };
}

/** Extensions of a cluster intermediate: CA:TRUE pathlen:0, keyCertSign, cRLSign, istiod SAN. */
export function intermediateExtensions(): Extension[] {
  return [
    {
      id: OID.basicConstraints,
      critical: true,
      value: basicConstraintsValue(0),
    },
    caKeyUsage(),
    {
      id: OID.subjectAltName,
      critical: false,
      value: dnsSanValue([ISTIOD_DNS_NAME]),
    },
  ];
}

export function authorityKeyIdExtension(keyId: Buffer): Extension {
  return {
    id: OID.authorityKeyIdentifier,
    critical: false,
    value: authorityKeyIdValue(keyId),
  };
}
