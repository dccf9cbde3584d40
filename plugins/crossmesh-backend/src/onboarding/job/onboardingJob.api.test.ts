import { ONBOARDING_ERROR_CODES } from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  clusterRequest,
  REFUSED_CONFIGMAP_WRITE,
  refuseCrossmeshConfigMapWrites,
  leaseTestBed,
  TestBed,
} from '@crossmesh/test-bed';
import {
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
  usersWithDefaultOnPlatformTeam,
} from '../../__testUtils__/testBackend';

jest.setTimeout(240_000);

const ISTIOCOREDNS = '/api/v1/namespaces/istio-system/services/istiocoredns';
const CACERTS = '/api/v1/namespaces/istio-system/secrets/cacerts';

describe('onboarding jobs over HTTP, on real API servers', () => {
  let bed: TestBed;
  let started: CrossmeshTestBackend;
  const call = (method: 'get' | 'post', path: string, body?: object) =>
    started.call(method, path, body);

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'],
    });
    started = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      users: usersWithDefaultOnPlatformTeam,
      crossmesh: {
        clusters: { 'cluster-4': { gatewayAddress: 'gw-4.example.com' } },
      },
    });
    const root = await call('post', '/trust/root', { keyType: 'ecdsa-p256' });
    if (root.status !== 201) {
      throw new Error(`generating the root failed: ${JSON.stringify(root)}`);
    }
  });
  afterAll(async () => {
    await started?.stop();
    await bed?.stop();
  });

  const cluster = (name: string) => bed.clusters.find(c => c.name === name)!;
  const admin = (name: string, method: string, path: string, body?: object) =>
    clusterRequest(cluster(name), method, path, { body });

  async function finished(id: string) {
    for (;;) {
      const job = await call('get', `/onboarding-jobs/${id}`);
      expect(job.status).toBe(200);
      if (job.body.state !== 'running') {
        return job.body;
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  async function auditActions(clusterName: string): Promise<string[]> {
    const events = await call(
      'get',
      `/audit-events?clusterName=${clusterName}&limit=100`,
    );
    return events.body.items.map((e: { action: string }) => e.action).sort();
  }

  const stepStates = (job: { steps: Array<{ id: string; state: string }> }) =>
    Object.fromEntries(job.steps.map(s => [s.id, s.state]));

  it('refuses bad input with a 400 that says what to fix, and an unknown cluster or a gateway config overrides, starting nothing', async () => {
    // What other cases did to these clusters, in whichever order they ran.
    const auditedBefore = {
      'cluster-1': await auditActions('cluster-1'),
      'cluster-4': await auditActions('cluster-4'),
    };
    const noNetwork = await call('post', '/onboarding-jobs', {
      cluster: 'cluster-1',
      network: ' ',
    });
    expect(noNetwork.status).toBe(400);
    expect(noNetwork.body.error).toMatchObject({
      name: 'InputError',
      code: ONBOARDING_ERROR_CODES.invalidInput,
      message:
        "Onboarding was not started: network is required: the cluster's Istio network name, e.g. network-1",
    });
    const portOnly = await call('post', '/onboarding-jobs', {
      cluster: 'cluster-1',
      network: 'network-1',
      gatewayPort: 31443,
    });
    expect(portOnly.status).toBe(400);
    expect(portOnly.body.error.message).toBe(
      'Onboarding was not started: gatewayPort needs a gatewayAddress to go with it',
    );
    const badKeyType = await call('post', '/onboarding-jobs', {
      cluster: 'cluster-1',
      network: 'network-1',
      keyType: 'dsa-1024',
    });
    expect(badKeyType.status).toBe(400);
    expect(badKeyType.body.error.message).toContain('keyType');

    const unknown = await call('post', '/onboarding-jobs', {
      cluster: 'cluster-9',
      network: 'network-9',
    });
    expect(unknown.status).toBe(404);

    const conflict = await call('post', '/onboarding-jobs', {
      cluster: 'cluster-4',
      network: 'network-4',
      gatewayAddress: 'other.example.com',
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({
      code: ONBOARDING_ERROR_CODES.gatewayConflict,
      message:
        'Onboarding was not started: crossmesh.clusters.cluster-4.gatewayAddress is set to gw-4.example.com:15443 in the app config, and config wins over the membership; leave gatewayAddress out, or change the config',
    });
    expect({
      'cluster-1': await auditActions('cluster-1'),
      'cluster-4': await auditActions('cluster-4'),
    }).toEqual(auditedBefore);
    expect((await call('get', '/onboarding-jobs/no-such-job')).status).toBe(
      404,
    );
  });

  it('runs the six steps with their progress, one job per cluster at a time, and a second job keeps what the first did', async () => {
    const input = { cluster: 'cluster-1', network: 'network-1' };
    const start = await call('post', '/onboarding-jobs', input);
    expect(start.status).toBe(202);
    expect(start.body).toMatchObject({
      cluster: 'cluster-1',
      state: 'running',
      startedBy: 'user:default/mock',
      input: { ...input, gatewayAddress: null, dryRun: false },
    });
    expect(start.body.steps.map((s: { id: string }) => s.id)).toEqual([
      'preflight',
      'issue-intermediate',
      'distribute-cacerts',
      'wire-dns',
      'register-membership',
      'final-preflight',
    ]);
    const twice = await call('post', '/onboarding-jobs', input);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe(ONBOARDING_ERROR_CODES.alreadyRunning);
    expect(twice.body.error.message).toContain(start.body.id);

    const job = await finished(start.body.id);
    expect(job.state).toBe('succeeded');
    expect(job.failure).toBeUndefined();
    expect(new Set(job.steps.map((s: { state: string }) => s.state))).toEqual(
      new Set(['done']),
    );
    expect(job.result).toEqual({
      intermediateSerial: expect.stringMatching(/^[0-9a-f]+$/i),
      intermediateFingerprint: expect.stringMatching(
        /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/,
      ),
      preflightOk: true,
    });
    const messages = job.steps.flatMap(
      (s: { messages: Array<{ message: string }> }) =>
        s.messages.map(m => m.message),
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Issued intermediate serial /),
        'Wrote cacerts and restarted istiod, istio-ingressgateway',
        'ConfigMap kube-system/coredns now forwards .global names to istiocoredns (added)',
        'Cluster cluster-1 is in the mesh',
      ]),
    );
    expect(job.steps[0].preflight.cluster).toBe('cluster-1');
    expect(job.steps[5].preflight.ok).toBe(true);
    expect((await admin('cluster-1', 'GET', CACERTS)).status).toBe(200);
    const audited = await auditActions('cluster-1');
    expect(audited).toEqual([
      'cacerts.distributed',
      'cluster.dns-wired',
      'cluster.registered',
      'intermediate.signed',
    ]);

    const again = await finished(
      (
        await call('post', '/onboarding-jobs', input)
      ).body.id,
    );
    expect(again.state).toBe('succeeded');
    expect(again.result).toEqual(job.result);
    expect(again.steps[1].messages[0].message).toMatch(
      /^Kept the current intermediate \(serial /,
    );
    expect(await auditActions('cluster-1')).toEqual(audited);
  });

  it('in a dry run, runs the preflight and says what each step would do, changing nothing', async () => {
    const start = await call('post', '/onboarding-jobs', {
      // A cluster no other case onboards, so the order they run in does not matter.
      cluster: 'cluster-4',
      network: 'network-4',
      dryRun: true,
    });
    const job = await finished(start.body.id);
    expect(job.state).toBe('succeeded');
    expect(job.result).toEqual({ preflightOk: false });
    expect(stepStates(job)).toEqual({
      preflight: 'done',
      'issue-intermediate': 'skipped',
      'distribute-cacerts': 'skipped',
      'wire-dns': 'skipped',
      'register-membership': 'skipped',
      'final-preflight': 'skipped',
    });
    expect(job.steps[1].messages).toEqual([
      {
        level: 'info',
        message:
          'issue an intermediate CA (the configured key type) from the mesh root and write cacerts, restarting istiod and istio-ingressgateway',
      },
    ]);
    expect(job.steps[3].messages[0].message).toBe(
      'add the .global forwarding to istiocoredns in the cluster DNS',
    );
    expect((await admin('cluster-4', 'GET', CACERTS)).status).toBe(404);
    expect(await auditActions('cluster-4')).toEqual([]);
  });

  it('fails a step with what was done and how to resume, and a new job resumes without issuing again', async () => {
    const lift = await refuseCrossmeshConfigMapWrites(cluster('cluster-2'));
    const input = { cluster: 'cluster-2', network: 'network-2' };
    let job;
    try {
      job = await finished(
        (
          await call('post', '/onboarding-jobs', input)
        ).body.id,
      );
    } finally {
      await lift();
    }
    expect(job.state).toBe('failed');
    expect(stepStates(job)).toEqual({
      preflight: 'done',
      'issue-intermediate': 'done',
      'distribute-cacerts': 'done',
      'wire-dns': 'failed',
      'register-membership': 'skipped',
      'final-preflight': 'skipped',
    });
    expect(job.failure).toMatchObject({
      code: ONBOARDING_ERROR_CODES.stepFailed,
      message: expect.stringMatching(/^Wiring DNS failed: /),
    });
    expect(job.failure.message).toContain(REFUSED_CONFIGMAP_WRITE);
    expect(job.steps[3].failure).toEqual(job.failure);
    expect(job.resume).toMatch(
      /^Done before the failure, and kept: Issuing the intermediate CA \(Issued intermediate serial .*\); Writing cacerts \(.*\)\. Wiring DNS did not finish; what it did is in its messages, and running it again completes it\. Fix the cause above, then start onboarding of cluster-2 again with the same input: /,
    );
    expect(await auditActions('cluster-2')).toEqual([
      'cacerts.distributed',
      'intermediate.signed',
    ]);
    expect((await call('get', '/clusters/cluster-2/membership')).status).toBe(
      404,
    );

    const resumed = await finished(
      (
        await call('post', '/onboarding-jobs', input)
      ).body.id,
    );
    expect(resumed.state).toBe('succeeded');
    expect(resumed.result.intermediateSerial).toBe(
      job.result.intermediateSerial,
    );
    expect(
      (await auditActions('cluster-2')).filter(
        a => a === 'intermediate.signed',
      ),
    ).toHaveLength(1);
  });

  it('fails at the preflight with its failed checks when the cluster is not ready, changing nothing', async () => {
    expect((await admin('cluster-3', 'DELETE', ISTIOCOREDNS)).status).toBe(200);
    const job = await finished(
      (
        await call('post', '/onboarding-jobs', {
          cluster: 'cluster-3',
          network: 'network-3',
        })
      ).body.id,
    );
    expect(job.state).toBe('failed');
    expect(job.failure).toMatchObject({
      code: ONBOARDING_ERROR_CODES.notReady,
      name: 'ConflictError',
    });
    expect(job.failure.message).toMatch(
      /^Cluster cluster-3 is not ready for the mesh; nothing was changed\. Fix these and run the template again:\n\[FAIL\] istiocoredns Service present: /,
    );
    expect(job.resume).toBe(
      'Nothing was changed. Fix the cause above, then start onboarding of cluster-3 again with the same input.',
    );
    expect((await admin('cluster-3', 'GET', CACERTS)).status).toBe(404);
    expect(await auditActions('cluster-3')).toEqual([]);
  });

  it('lets only the platform team start or read jobs', async () => {
    const outsider = started.as('outsider');
    const startAs = await outsider.post('/onboarding-jobs', {
      cluster: 'cluster-3',
      network: 'network-3',
    });
    expect(startAs.status).toBe(403);
    const someJob = await call('post', '/onboarding-jobs', {
      cluster: 'cluster-3',
      network: 'network-3',
      dryRun: true,
    });
    const readAs = await outsider.get(`/onboarding-jobs/${someJob.body.id}`);
    expect(readAs.status).toBe(403);
    await finished(someJob.body.id);
  });
});
