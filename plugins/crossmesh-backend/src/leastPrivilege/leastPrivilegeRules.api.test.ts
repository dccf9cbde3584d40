import {
  accessCheckId,
  qualifiedResource,
  REQUIRED_ACCESS,
} from '../onboarding/preflight/requiredAccess';
import { REMOTE_SECRETS_TASK } from '../remoteSecrets';
import { ruleKey, ruleScenarios } from './__testUtils__/ruleScenarios';
import { grantedOnlyBy } from './__testUtils__/rbacAudit';
import { describeRule, withoutRule } from '../__testUtils__/rbacFile';
import {
  denied,
  file,
  LeastPrivilegeMesh,
  startLeastPrivilegeMesh,
} from './__testUtils__/leastPrivilegeMesh';

jest.setTimeout(300_000);

describe('deploy/rbac.yaml without one rule, on real API servers, through the real backend', () => {
  let lp: LeastPrivilegeMesh;
  beforeAll(async () => {
    lp = await startLeastPrivilegeMesh();
    const onboarded = await lp.onboard();
    await lp.mesh.runTask(REMOTE_SECRETS_TASK);
    const failed = [
      onboarded.root,
      ...onboarded.clusters.flatMap(c => [c.member, c.issued, c.dns]),
    ].filter(answer => answer.status >= 300);
    if (failed.length > 0) {
      throw new Error(
        `onboarding with the whole file failed: ${failed
          .map(a => a.text)
          .join('; ')}`,
      );
    }
  });
  afterAll(async () => {
    await lp?.stop();
  });

  it('without any one rule, preflight names the access it lacks and the operation that needs it fails saying what was forbidden', async () => {
    const {
      bed,
      mesh,
      admin,
      seededCoredns,
      preflight,
      preflightUntil,
      applyRoles,
    } = lp;
    const scenarios = ruleScenarios({
      mesh,
      admin,
      connections: lp.connections,
      gatewayAddress: Object.fromEntries(
        bed.clusters.map(c => [c.name, c.gatewayAddress]),
      ),
      seededCoredns,
      restartApiServer: async cluster => {
        // Killed, not stopped: the watches break all the same, without waiting out the
        // API server's graceful stop (5 s each time).
        await bed.killCluster(cluster);
        await bed.startCluster(cluster);
      },
    });
    expect(Object.keys(scenarios).sort()).toEqual(
      file.rules.map(ruleKey).sort(),
    );

    const summary: string[] = [];
    for (const ref of file.rules) {
      const rule = describeRule(ref);
      const scenario = scenarios[ruleKey(ref)];
      const lacking = grantedOnlyBy(file, ref, REQUIRED_ACCESS);
      const lackingIds = lacking.map(accessCheckId).sort();
      if (!scenario.arrangeWithoutRule) await scenario.arrange?.();
      await applyRoles(withoutRule(file, ref));

      const report = await preflightUntil(
        scenario.cluster,
        r => denied(r).join() === lackingIds.join(),
      );
      expect({ rule, denied: denied(report) }).toEqual({
        rule,
        denied: lackingIds,
      });
      for (const access of lacking) {
        const check = report.checks.find(c => c.id === accessCheckId(access))!;
        expect({ rule, check }).toEqual({
          rule,
          check: expect.objectContaining({
            status: 'fail',
            detail: expect.stringMatching(/^Denied/),
            remedy: expect.stringContaining(
              `"${access.verb}" on ${qualifiedResource(access)}`,
            ),
          }),
        });
      }

      if (scenario.arrangeWithoutRule) await scenario.arrange?.();
      const message = await scenario.act();
      const verb = ref.rule.verbs[0];
      const resources = ref.rule.resources ?? [];
      const expected = scenario.expected ?? [
        /crossmesh's credentials are not allowed to do this \(403\)/,
        new RegExp(`cannot ${verb} resource "(${resources.join('|')})"`),
      ];
      for (const pattern of expected) {
        expect({ rule, message }).toEqual({
          rule,
          message: expect.stringMatching(pattern),
        });
      }
      const mustNameEach = scenario.namesEveryResource ? resources : [];
      for (const resource of mustNameEach) {
        expect({ rule, message }).toEqual({
          rule,
          message: expect.stringContaining(
            `cannot ${verb} resource "${resource}"`,
          ),
        });
      }
      summary.push(
        `${rule}\n    preflight: ${lackingIds.join(', ')}\n    said: ${
          message.split('\n')[0]
        }`,
      );

      await applyRoles(file.manifests);
      const restored = await preflightUntil(
        scenario.cluster,
        r => denied(r).length === 0,
      );
      expect({ rule, denied: denied(restored) }).toEqual({ rule, denied: [] });
      await scenario.restore?.();
    }
    // eslint-disable-next-line no-console
    console.log(
      `Each rule of deploy/rbac.yaml taken out:\n${summary.join('\n')}`,
    );

    // Back where the onboarding left every cluster.
    for (const cluster of bed.clusters) {
      const report = await preflight(cluster.name);
      expect(report.checks.filter(c => c.status !== 'pass')).toEqual([]);
    }
  });
});
