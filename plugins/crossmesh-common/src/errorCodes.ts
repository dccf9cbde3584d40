/**
 * The part of a root CA import a failed check is about: the certificate or its key.
 *
 * @public
 */
export type RootImportField = 'certificate' | 'key';

/**
 * The `error.code` a 400 from importing a root CA (`POST /trust/root/import`, or
 * `POST /trust/rotation` with a certificate) carries, naming the field whose check failed,
 * so a form can show the message at that field.
 *
 * @public
 */
export const ROOT_IMPORT_ERROR_CODES: Readonly<
  Record<RootImportField, string>
> = {
  certificate: 'crossmesh.root-import.certificate',
  key: 'crossmesh.root-import.key',
};

/**
 * The field a root import error code names, if it is one.
 *
 * @public
 */
export function rootImportFieldOf(code: unknown): RootImportField | undefined {
  return (Object.keys(ROOT_IMPORT_ERROR_CODES) as RootImportField[]).find(
    field => ROOT_IMPORT_ERROR_CODES[field] === code,
  );
}

/**
 * The `error.code` of a 503 that a trust operation answers when the configured
 * key-encryption secret(s) (`crossmesh.trust.keyEncryptionSecret`) are missing or do not
 * open the private keys crossmesh holds: the server is misconfigured, not the request.
 *
 * @public
 */
export const KEY_ENCRYPTION_ERROR_CODE = 'crossmesh.key-encryption';

/**
 * The `error.code` of a refused confirmation of a two-person root operation
 * (`POST /trust/confirmations/{id}/confirm`):
 *
 * - `samePerson` (403): the platform member who asked for it cannot confirm it; another
 *   platform member must.
 * - `expired` (409): the confirmation was not given in time; ask again.
 * - `notPending` (409): it was already confirmed or cancelled.
 * - `materialChanged` (409): the fingerprint sent is not the one waiting, or the mesh moved
 *   on since it was asked for (another root, another rotation phase); ask again.
 *
 * @public
 */
export const CONFIRMATION_ERROR_CODES = {
  samePerson: 'crossmesh.confirmation.same-person',
  expired: 'crossmesh.confirmation.expired',
  notPending: 'crossmesh.confirmation.not-pending',
  materialChanged: 'crossmesh.confirmation.material-changed',
} as const;
