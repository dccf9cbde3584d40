import {
  ONBOARDING_ERROR_CODES,
  OnboardingErrorCode,
  OnboardingFailure,
} from '@crossmesh/backstage-plugin-crossmesh-common';

const CODE = Symbol('onboardingCode');

/**
 * Marks an error a step throws with its code; its message is shown as it is.
 *
 * @internal
 */
export function onboardingFailure<E extends Error>(
  code: OnboardingErrorCode,
  error: E,
): E {
  return Object.assign(error, { [CODE]: code, code });
}

/**
 * How a job reports an error its step threw: a marked error as it is, any other as the
 * step's failure, prefixed with the step's title.
 *
 * @internal
 */
export function failureOf(
  error: unknown,
  stepTitle: string,
): OnboardingFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { [CODE]?: OnboardingErrorCode })[CODE];
  if (code) {
    return { code, name: e.name, message: e.message };
  }
  return {
    code: ONBOARDING_ERROR_CODES.stepFailed,
    name: e.name,
    message: `${stepTitle} failed: ${e.message}`,
  };
}
