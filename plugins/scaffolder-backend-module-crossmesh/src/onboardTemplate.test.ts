import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  adminRequest,
  runAction,
  startActionsBackend,
} from './__testUtils__/actionsBackend';
import { readTemplateSteps, renderInput } from './__testUtils__/templateSteps';

jest.setTimeout(180_000);

const TEMPLATE = resolve(
  __dirname,
  '../../../examples/templates/add-cluster-to-mesh/template.yaml',
);

/** `openssl verify -x509_strict -CAfile root-cert.pem -untrusted cert-chain.pem ca-cert.pem` in a temp dir. */
function opensslVerify(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-onboard-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content);
    }
    const result = spawnSync(
      'openssl',
      [
        'verify',
        '-x509_strict',
        '-CAfile',
        'root-cert.pem',
        '-untrusted',
        'cert-chain.pem',
        'ca-cert.pem',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    return `${result.stdout}${result.stderr}${
      result.error?.message ?? ''
    }`.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the "Add a cluster to the mesh" template', () => {
  let bed: TestBed;
  let started: Awaited<ReturnType<typeof startActionsBackend>>;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1'] });
    started = await startActionsBackend(bed);
  });
  afterAll(async () => {
    await started?.backend.stop();
    await bed?.stop();
  });

  it('runs its steps against a fresh cluster, which then passes preflight with cacerts that openssl verifies against the mesh root', async () => {
    const root = await started.call('POST', '/trust/root', {
      keyType: 'ecdsa-p256',
    });
    expect(root.status).toBe(201);

    const steps = readTemplateSteps(readFileSync(TEMPLATE, 'utf8'));
    expect(steps.map(s => s.action)).toEqual(['crossmesh:cluster:onboard']);
    // What the form gives: the EntityPicker's ref of the cluster's Resource.
    const parameters = {
      cluster: 'resource:default/cluster-1',
      network: 'network-1',
      keyType: 'rsa-2048',
    };
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const step of steps) {
      const action = started.actions.get(step.action);
      expect(action).toBeDefined();
      const result = await runAction(
        action!,
        renderInput(step.input, parameters),
      );
      expect(result.error).toBeUndefined();
      outputs[step.id] = result.outputs;
    }
    expect(outputs.onboard).toMatchObject({
      cluster: 'cluster-1',
      preflightOk: true,
    });

    const preflight = await started.call(
      'GET',
      '/clusters/cluster-1/preflight',
    );
    expect(preflight.body.ok).toBe(true);
    expect(
      preflight.body.checks.filter(
        (c: { status: string }) => c.status !== 'pass',
      ),
    ).toEqual([]);
    const membership = await started.call(
      'GET',
      '/clusters/cluster-1/membership',
    );
    expect(membership.body).toMatchObject({
      network: 'network-1',
      keyType: 'rsa-2048',
      gatewayAddress: null,
    });

    const secret = await adminRequest(
      bed.clusters[0],
      'GET',
      '/api/v1/namespaces/istio-system/secrets/cacerts',
    );
    const files = Object.fromEntries(
      Object.entries(secret.body.data as Record<string, string>).map(
        ([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')],
      ),
    );
    expect(Object.keys(files).sort()).toEqual([
      'ca-cert.pem',
      'ca-key.pem',
      'cert-chain.pem',
      'root-cert.pem',
    ]);
    // The root crossmesh reports, not the one in the Secret, is the trust anchor.
    expect(
      opensslVerify({
        'root-cert.pem': root.body.certPem,
        'cert-chain.pem': files['cert-chain.pem'],
        'ca-cert.pem': files['ca-cert.pem'],
      }),
    ).toBe('ca-cert.pem: OK');
    const trust = await started.call('GET', '/trust');
    const intermediate = trust.body.intermediates.find(
      (i: { clusterName: string }) => i.clusterName === 'cluster-1',
    );
    expect(intermediate).toMatchObject({
      serial: outputs.onboard.intermediateSerial,
      fingerprintSha256: outputs.onboard.intermediateFingerprint,
      keyType: 'rsa-2048',
    });
    expect(files['ca-cert.pem'].trim()).toBe(intermediate.certPem.trim());
  });
});
