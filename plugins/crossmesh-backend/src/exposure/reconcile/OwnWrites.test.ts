import { OwnWrites } from './OwnWrites';

const serviceEntry = (resourceVersion: string, name = 'svc-2-bar-global') => ({
  kind: 'ServiceEntry',
  metadata: { namespace: 'istio-system', name, resourceVersion },
});

/** A write whose answer the test hands over when it likes. */
function pendingWrite<T>() {
  let answer!: (value: T) => void;
  const promise = new Promise<T>(resolve => (answer = resolve));
  return { write: () => promise, answer };
}

describe('OwnWrites', () => {
  it('knows the version a write answered with as its echo, once', async () => {
    const writes = new OwnWrites();
    await writes.track('cluster-1', async () => serviceEntry('41'));
    expect(await writes.isEcho('cluster-1', serviceEntry('41'))).toBe(true);
    expect(await writes.isEcho('cluster-1', serviceEntry('41'))).toBe(false);
  });

  it('takes any other version, object, kind or cluster for a change', async () => {
    const writes = new OwnWrites();
    await writes.track('cluster-1', async () => serviceEntry('41'));
    expect(await writes.isEcho('cluster-1', serviceEntry('42'))).toBe(false);
    expect(await writes.isEcho('cluster-2', serviceEntry('41'))).toBe(false);
    expect(await writes.isEcho('cluster-1', serviceEntry('41', 'other'))).toBe(
      false,
    );
    expect(
      await writes.isEcho('cluster-1', {
        ...serviceEntry('41'),
        kind: 'Gateway',
      }),
    ).toBe(false);
    expect(await writes.isEcho('cluster-1', serviceEntry('41'))).toBe(true);
  });

  it('waits for the writes in flight when the event comes before their answer', async () => {
    const writes = new OwnWrites();
    const ours = pendingWrite<ReturnType<typeof serviceEntry>>();
    const written = writes.track('cluster-1', ours.write);
    const echo = writes.isEcho('cluster-1', serviceEntry('41'));
    const handEdit = writes.isEcho('cluster-1', serviceEntry('40'));
    ours.answer(serviceEntry('41'));
    await written;
    expect(await echo).toBe(true);
    expect(await handEdit).toBe(false);
  });

  it('takes an event for a change when the write in flight fails', async () => {
    const writes = new OwnWrites();
    const failing = writes.track('cluster-1', async () => {
      throw new Error('409');
    });
    const event = writes.isEcho('cluster-1', serviceEntry('41'));
    await expect(failing).rejects.toThrow('409');
    expect(await event).toBe(false);
  });

  it('records nothing for an answer without a version, such as a Status', async () => {
    const writes = new OwnWrites();
    await writes.track('cluster-1', async () => ({
      kind: 'Status',
      metadata: {},
    }));
    expect(
      await writes.isEcho('cluster-1', { kind: 'Status', metadata: {} }),
    ).toBe(false);
  });

  it('forgets versions that never came back within two minutes', async () => {
    let now = 0;
    const writes = new OwnWrites(() => now);
    await writes.track('cluster-1', async () => serviceEntry('41'));
    now = 121_000;
    await writes.track('cluster-1', async () => serviceEntry('99', 'another'));
    expect(await writes.isEcho('cluster-1', serviceEntry('41'))).toBe(false);
    expect(
      await writes.isEcho('cluster-1', serviceEntry('99', 'another')),
    ).toBe(true);
  });
});
