import { CheckDefinition, runChecks } from './runChecks';

const describeError = (error: unknown) => `broke: ${(error as Error).message}`;

function check(
  id: string,
  status: 'pass' | 'warn' | 'fail',
  dependsOn?: string[],
): CheckDefinition {
  return {
    id,
    title: `Check ${id}`,
    dependsOn,
    run: async () => ({ status, detail: `${id} is ${status}` }),
  };
}

describe('runChecks', () => {
  it('skips what depends on a failed or skipped check, naming it, and runs what depends on a warning', async () => {
    const checks = await runChecks(
      [
        check('reachable', 'fail'),
        check('version', 'pass', ['reachable']),
        check('deep', 'pass', ['version']),
        check('config', 'warn'),
        check('uses-config', 'pass', ['config']),
      ],
      describeError,
    );
    expect(checks.map(c => [c.id, c.status, c.detail])).toEqual([
      ['reachable', 'fail', 'reachable is fail'],
      ['version', 'skipped', 'Not checked, because "Check reachable" failed.'],
      ['deep', 'skipped', 'Not checked, because "Check version" was skipped.'],
      ['config', 'warn', 'config is warn'],
      ['uses-config', 'pass', 'uses-config is pass'],
    ]);
  });

  it('fails a check that throws, with the described error, and keeps the definitions in order', async () => {
    const order: string[] = [];
    const checks = await runChecks(
      [
        {
          id: 'late',
          title: 'Late',
          dependsOn: ['early'],
          run: async () => {
            order.push('late');
            return { status: 'pass', detail: 'fine' };
          },
        },
        {
          id: 'early',
          title: 'Early',
          run: async () => {
            order.push('early');
            throw new Error('no answer');
          },
        },
      ],
      describeError,
    );
    expect(order).toEqual(['early']);
    expect(checks).toEqual([
      {
        id: 'late',
        title: 'Late',
        status: 'skipped',
        detail: 'Not checked, because "Early" failed.',
      },
      {
        id: 'early',
        title: 'Early',
        status: 'fail',
        detail: 'broke: no answer',
      },
    ]);
  });

  it('refuses unknown dependencies and cycles', async () => {
    await expect(
      runChecks([check('a', 'pass', ['nope'])], describeError),
    ).rejects.toThrow('preflight check a depends on unknown checks: nope');
    await expect(
      runChecks(
        [check('a', 'pass', ['b']), check('b', 'pass', ['a'])],
        describeError,
      ),
    ).rejects.toThrow('preflight checks depend on each other in a cycle: a, b');
  });
});
