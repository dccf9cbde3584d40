import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { demoServices, seedServices } from './demoServices';
import { seedWorkloads } from './dataPlane/workloads';
import { renderAppConfig } from './kubeconfig';
import yaml from 'js-yaml';
import type { Manifest } from './resourcePaths';
import { apply } from './seedCluster';
import { startTestBed } from './startTestBed';
import { adminConnection } from './kubeRequest';
import { startGitOps, TestGitOps } from './gitops';

const usage = `Usage: bed start --clusters <name,name,...> [--state-dir <dir>] [--write-config <file>]
                 [--istio-version <version>] [--istio-versions <name=version,...>] [--demo-services]
                 [--istiod] [--istiod-clusters <name,name,...>] [--data-plane]
                 [--apply <file.yaml>] [--gitops <cluster>]

Starts one etcd and a kube-apiserver per cluster, seeded like an Istio install, then stays in the
foreground until SIGINT/SIGTERM. Relative paths are taken from the directory yarn was run in.
--demo-services also creates Istio's multicluster sample Services (svc-1 in foo on cluster-1,
svc-2 in bar on cluster-2, port http 8000) for the demo and the end-to-end tests.
--istiod runs a real istiod against every cluster (--istiod-clusters: only those), built once
by build-istio.sh; those clusters are seeded with the version it reports.
--data-plane (as root) also runs the bed's data plane: per cluster its DNS and an ingress gateway,
and Istio's sample workloads with sidecars (sleep in foo on cluster-1, svc-2 in bar on cluster-2),
each in a network namespace of its own; implies --istiod.
--apply creates the objects of a YAML file (several documents) in every cluster, as its admin,
e.g. deploy/istio-reader.yaml for the demo's remote secrets; repeat it for more files.
--gitops delivers one cluster's objects through Git: a Gitea on loopback with repository mesh,
and Flux applying its folder clusters/<cluster> to the cluster (both built once and cached);
--write-config then also configures crossmesh's git delivery for that cluster.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

// `yarn workspace ... bed` runs scripts in the package folder; INIT_CWD is where yarn was started.
function fromInvocationDir(file: string) {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

function parseVersions(text: string | undefined): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const pair of text ? text.split(',') : []) {
    const [name, version] = pair.split('=');
    if (!name || !version) {
      fail(`--istio-versions wants name=version pairs, got "${pair}".`);
    }
    versions[name.trim()] = version.trim();
  }
  return versions;
}

let stopping = false;
let gitOps: TestGitOps | undefined;

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      clusters: { type: 'string' },
      'state-dir': { type: 'string' },
      'write-config': { type: 'string' },
      'istio-version': { type: 'string' },
      'istio-versions': { type: 'string' },
      'demo-services': { type: 'boolean' },
      istiod: { type: 'boolean' },
      'istiod-clusters': { type: 'string' },
      'data-plane': { type: 'boolean' },
      apply: { type: 'string', multiple: true },
      gitops: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (positionals[0] !== 'start' || positionals.length !== 1) {
    fail(`Unknown command "${positionals.join(' ')}".`);
  }
  const clusters = (values.clusters ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
  if (clusters.length === 0) {
    fail('--clusters is required, e.g. --clusters cluster-1,cluster-2.');
  }

  const missing = demoServices.filter(s => !clusters.includes(s.cluster));
  if (values['demo-services'] && missing.length > 0) {
    fail(
      `--demo-services needs the clusters ${missing
        .map(s => s.cluster)
        .join(', ')} (for ${missing
        .map(s => `${s.namespace}/${s.name}`)
        .join(', ')}).`,
    );
  }

  const istiodClusters = values['istiod-clusters']
    ?.split(',')
    .map(name => name.trim())
    .filter(Boolean);

  const started = Date.now();
  const log = (line: string) =>
    process.stdout.write(
      `[test-bed +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`,
    );

  const starting = startTestBed({
    clusters,
    stateDir: values['state-dir'] && fromInvocationDir(values['state-dir']),
    istioVersion: values['istio-version'],
    istioVersions: parseVersions(values['istio-versions']),
    istiod:
      values.istiod || istiodClusters ? { clusters: istiodClusters } : false,
    // Workload certificates of two minutes: after the mesh's trust is set up in the UI, the
    // sample workloads move to crossmesh's CA within a minute, with no restart.
    dataPlane: values['data-plane']
      ? { proxyEnv: { SECRET_TTL: '2m' } }
      : false,
    log,
  });
  const shutdown = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log(`${signal}: stopping`);
    // A signal during start: the bed's own handler has already killed its processes.
    const bed = await starting.catch(() => undefined);
    await gitOps?.stop();
    await bed?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const bed = await starting;
  if (values['demo-services']) {
    // With a data plane, its workloads bring their own (headless) Services.
    const services = demoServices.filter(
      service =>
        !bed.dataPlane ||
        !seedWorkloads.some(
          w =>
            w.cluster === service.cluster &&
            w.namespace === service.namespace &&
            w.name === service.name,
        ),
    );
    await seedServices(bed.clusters, services);
    log(
      `created the demo services ${services
        .map(s => `${s.cluster}:${s.namespace}/${s.name}`)
        .join(', ')}`,
    );
  }
  for (const file of values.apply ?? []) {
    const manifests = yaml
      .loadAll(fs.readFileSync(fromInvocationDir(file), 'utf8'))
      .filter(Boolean) as Manifest[];
    for (const cluster of bed.clusters) {
      for (const manifest of manifests) {
        await apply(adminConnection(cluster), manifest);
      }
    }
    log(`applied ${file} (${manifests.length} objects) in every cluster`);
  }
  if (values.gitops) {
    const cluster = bed.clusters.find(c => c.name === values.gitops);
    if (!cluster) {
      fail(`--gitops names ${values.gitops}, which is not one of --clusters.`);
    }
    log(
      `starting Gitea and Flux for ${cluster.name} (built once, then cached)`,
    );
    gitOps = await startGitOps(cluster, bed.stateDir);
    log(
      `${cluster.name} is delivered through Git: ${gitOps.repositoryUrl} (folder ${gitOps.folder}), applied by Flux; merge a pull request with: curl -X POST -H 'Authorization: token ${gitOps.gitea.token}' -H 'Content-Type: application/json' -d '{"Do":"merge"}' ${gitOps.gitea.url}/api/v1/repos/${gitOps.gitea.username}/mesh/pulls/<number>/merge`,
    );
  }
  if (values['write-config']) {
    const file = fromInvocationDir(values['write-config']);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      renderAppConfig(bed.kubernetesConfig(), gitOps?.appConfig),
      { mode: 0o600 },
    );
    log(`wrote the kubernetes app-config to ${file}`);
  }
  for (const cluster of bed.clusters) {
    process.stdout.write(
      `${cluster.name} ${cluster.url} gateway=${cluster.gatewayAddress} istio=${
        cluster.istioVersion
      } kubeconfig=${cluster.kubeconfigPath}${
        cluster.istiod
          ? ` istiod=${cluster.istiod.debugUrl} xds=${cluster.istiod.xdsAddress} ca=${cluster.istiod.caAddress}`
          : ''
      }\n`,
    );
  }
  if (bed.dataPlane) {
    for (const workload of seedWorkloads.filter(w =>
      clusters.includes(w.cluster),
    )) {
      const running = bed.dataPlane.workload(
        workload.cluster,
        workload.namespace,
        workload.name,
      );
      process.stdout.write(
        `${workload.cluster}/${workload.namespace}/${workload.name} pod=${running.node.address} netns=${running.node.netns}\n`,
      );
    }
    const sleep = seedWorkloads.find(w => w.app === 'sleep');
    if (sleep && clusters.includes(sleep.cluster)) {
      const { node } = bed.dataPlane.workload(
        sleep.cluster,
        sleep.namespace,
        sleep.name,
      );
      process.stdout.write(
        `once svc-2 is exposed to cluster-1: sudo ip netns exec ${node.netns} curl -sS http://svc-2.bar.global:8000/\n`,
      );
    }
  }
  process.stdout.write(
    `test bed ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
  );
}

main().catch(error => {
  if (stopping) {
    return; // a signal interrupted the start; shutdown() exits
  }
  process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
