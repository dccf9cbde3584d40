import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ONBOARDING_ERROR_CODES,
  OnboardingFailure,
} from '@crossmesh/backstage-plugin-crossmesh-common';

type ErrorType = new (message: string) => Error;

const BY_STATUS: Record<number, ErrorType> = {
  400: InputError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
};

const BY_NAME: Record<string, ErrorType> = {
  InputError,
  NotAllowedError,
  NotFoundError,
  ConflictError,
  ServiceUnavailableError,
};

const ONBOARDING_CODES: readonly string[] = Object.values(
  ONBOARDING_ERROR_CODES,
);

/** The error with the backend's type name and message, carrying its code. */
function typedError(
  Type: ErrorType,
  message: string,
  code: string | undefined,
): Error {
  return Object.assign(new Type(message), code ? { code } : {});
}

/**
 * The error a failed onboarding job reports, as the type its failure names, with its code
 * and message as the backend wrote them.
 *
 * @internal
 */
export function onboardingJobFailure(failure: OnboardingFailure): Error {
  return typedError(
    BY_NAME[failure.name] ?? ServiceUnavailableError,
    failure.message,
    failure.code,
  );
}

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
    body?: { error?: { code?: string } };
    message?: string;
  };
  if (response?.name === 'ResponseError' && response.statusCode) {
    const said = response.cause?.message ?? response.message ?? '';
    const code = response.body?.error?.code;
    const Type = BY_STATUS[response.statusCode] ?? ServiceUnavailableError;
    // An onboarding refusal already says what was refused and what to fix.
    return code && ONBOARDING_CODES.includes(code)
      ? typedError(Type, said, code)
      : typedError(
          Type,
          `${what} failed: ${said} (HTTP ${response.statusCode})`,
          code,
        );
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
