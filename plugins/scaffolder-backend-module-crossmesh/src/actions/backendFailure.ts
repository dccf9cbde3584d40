import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

const BY_STATUS: Record<number, new (message: string) => Error> = {
  400: InputError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
};

/**
 * Turns a failed call to the crossmesh backend into an error that says which step failed
 * and what the backend said, keeping the backend's error type.
 *
 * @internal
 */
export function backendFailure(what: string, error: unknown): Error {
  const response = error as {
    name?: string;
    statusCode?: number;
    cause?: { message?: string };
    message?: string;
  };
  if (response?.name === 'ResponseError' && response.statusCode) {
    const message = `${what} failed: ${
      response.cause?.message ?? response.message
    } (HTTP ${response.statusCode})`;
    const Type = BY_STATUS[response.statusCode] ?? ServiceUnavailableError;
    return new Type(message);
  }
  return new ServiceUnavailableError(
    `${what} failed: ${response?.message ?? String(error)}`,
  );
}

/**
 * Runs one call to the backend, describing a failure with {@link backendFailure}.
 *
 * @internal
 */
export async function callBackend<T>(
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw backendFailure(what, error);
  }
}
