import {
  retryWhileThrottled,
  throttledRetryDelayMs,
} from './retryWhileThrottled';

const throttled = (retryAfter?: string) =>
  Object.assign(new Error('storage is (re)initializing'), {
    code: 429,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  });

describe('retryWhileThrottled', () => {
  it('asks again while the API server answers 429, and answers what it then says', async () => {
    let calls = 0;
    const answer = await retryWhileThrottled(async () => {
      calls++;
      if (calls < 3) throw throttled('0');
      return 'ready';
    });
    expect(answer).toBe('ready');
    expect(calls).toBe(3);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const forbidden = Object.assign(new Error('forbidden'), { code: 403 });
    await expect(
      retryWhileThrottled(async () => {
        calls++;
        throw forbidden;
      }),
    ).rejects.toBe(forbidden);
    expect(calls).toBe(1);
  });

  it('gives up after five attempts with the last 429', async () => {
    let calls = 0;
    await expect(
      retryWhileThrottled(async () => {
        calls++;
        throw throttled('0');
      }),
    ).rejects.toMatchObject({ code: 429 });
    expect(calls).toBe(5);
  });

  it("waits the API server's Retry-After, kept between 0.1 and 5 s, or 1 s without one", () => {
    expect(throttledRetryDelayMs(throttled('2'))).toBe(2000);
    expect(throttledRetryDelayMs(throttled('0'))).toBe(100);
    expect(throttledRetryDelayMs(throttled('60'))).toBe(5000);
    expect(throttledRetryDelayMs(throttled())).toBe(1000);
    expect(throttledRetryDelayMs({ code: 500 })).toBeUndefined();
  });
});
