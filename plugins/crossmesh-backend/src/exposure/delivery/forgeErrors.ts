import { isError } from '@backstage/errors';

/** The errors a forge's client (GiteaRepository) throws: their messages say what to fix. */
const FORGE_ERRORS = new Set([
  'AuthenticationError',
  'ConflictError',
  'NotAllowedError',
  'ServiceUnavailableError',
]);

/**
 * True for an error whose message is already the sentence to show: one the forge's client
 * threw.
 *
 * @internal
 */
export function isForgeError(error: unknown): error is Error {
  return isError(error) && FORGE_ERRORS.has(error.name);
}
