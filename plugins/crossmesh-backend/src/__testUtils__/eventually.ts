/**
 * Calls `check` until it returns without throwing, every `intervalMs`, and returns its
 * result; after `timeoutMs` it throws the last failure, saying what was awaited.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T>,
  {
    timeoutMs = 60_000,
    intervalMs = 250,
    detail,
  }: {
    timeoutMs?: number;
    intervalMs?: number;
    /** More to tell on failure, e.g. the tail of a process's log. */
    detail?: () => string;
  } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `Gave up after ${timeoutMs} ms waiting until ${what}: ${reason}${
            detail ? `\n${detail()}` : ''
          }`,
        );
      }
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
