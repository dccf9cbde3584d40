const ATTEMPTS = 5;
const RETRY_DELAY_MS = { default: 1000, min: 100, max: 5000 };

/**
 * How long to wait before asking again after a 429, which an API server answers while it
 * starts (until the storage of custom resources is ready) or sheds load: its Retry-After,
 * kept between 0.1 and 5 s, or 1 s without one. Undefined for any other error.
 *
 * @internal
 */
export function throttledRetryDelayMs(error: unknown): number | undefined {
  const refusal = error as { code?: unknown; headers?: Record<string, string> };
  if (refusal?.code !== 429) {
    return undefined;
  }
  const retryAfter = Number(refusal.headers?.['retry-after']) * 1000;
  return Number.isFinite(retryAfter)
    ? Math.min(Math.max(retryAfter, RETRY_DELAY_MS.min), RETRY_DELAY_MS.max)
    : RETRY_DELAY_MS.default;
}

/**
 * Runs `attempt` until it answers, asking again (up to five times in all) while the API
 * server answers 429; any other error, or the last 429, is thrown as it came.
 *
 * @internal
 */
export async function retryWhileThrottled<T>(
  attempt: () => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = throttledRetryDelayMs(error);
      if (delayMs === undefined || tries >= ATTEMPTS) throw error;
      await new Promise(resolve => setTimeout(resolve, delayMs));
    }
  }
}
