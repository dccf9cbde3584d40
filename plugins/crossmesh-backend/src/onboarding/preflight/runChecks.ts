import {
  PreflightCheck,
  PreflightCheckStatus,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * What a check found; its id and title come from its definition.
 *
 * @internal
 */
export type CheckOutcome = Omit<PreflightCheck, 'id' | 'title'>;

/**
 * One preflight check: what it depends on and how to run it.
 *
 * @internal
 */
export interface CheckDefinition {
  id: string;
  title: string;
  /** Ids of checks that must not fail (nor be skipped) for this one to run. */
  dependsOn?: string[];
  run: () => Promise<CheckOutcome>;
}

const BLOCKING: PreflightCheckStatus[] = ['fail', 'skipped'];

/**
 * Runs the checks in waves: each wave runs, in parallel, every check whose dependencies
 * have finished. A check whose dependency failed or was skipped is skipped, naming it. A
 * check that throws fails with the error's message. Results keep the definitions' order
 * and leave out `earlier`.
 *
 * @internal
 */
export async function runChecks(
  definitions: CheckDefinition[],
  describeError: (error: unknown) => string,
  /** Checks already run, which `definitions` may depend on. */
  earlier: PreflightCheck[] = [],
): Promise<PreflightCheck[]> {
  const known = new Set([...earlier, ...definitions].map(d => d.id));
  for (const d of definitions) {
    const unknown = (d.dependsOn ?? []).filter(dep => !known.has(dep));
    if (unknown.length) {
      throw new Error(
        `preflight check ${d.id} depends on unknown checks: ${unknown.join(
          ', ',
        )}`,
      );
    }
  }

  const results = new Map(earlier.map(check => [check.id, check]));
  let pending = definitions;
  while (pending.length) {
    const ready = pending.filter(d =>
      (d.dependsOn ?? []).every(dep => results.has(dep)),
    );
    if (!ready.length) {
      throw new Error(
        `preflight checks depend on each other in a cycle: ${pending
          .map(d => d.id)
          .join(', ')}`,
      );
    }
    const done = await Promise.all(
      ready.map(d => evaluate(d, results, describeError)),
    );
    done.forEach(check => results.set(check.id, check));
    pending = pending.filter(d => !results.has(d.id));
  }
  return definitions.map(d => results.get(d.id)!);
}

async function evaluate(
  definition: CheckDefinition,
  results: Map<string, PreflightCheck>,
  describeError: (error: unknown) => string,
): Promise<PreflightCheck> {
  const { id, title } = definition;
  const blockers = (definition.dependsOn ?? [])
    .map(dep => results.get(dep)!)
    .filter(dep => BLOCKING.includes(dep.status));
  if (blockers.length) {
    return {
      id,
      title,
      status: 'skipped',
      detail: `Not checked, because ${blockers
        .map(
          b => `"${b.title}" ${b.status === 'fail' ? 'failed' : 'was skipped'}`,
        )
        .join(' and ')}.`,
    };
  }
  try {
    return { id, title, ...(await definition.run()) };
  } catch (error) {
    return { id, title, status: 'fail', detail: describeError(error) };
  }
}
