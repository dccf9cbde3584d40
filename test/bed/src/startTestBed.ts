import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApiserverSpec,
  apiserverUrl,
  startApiserverProcess,
  waitForApiserver,
} from './apiserver';
import { writeAuditPolicy } from './audit';
import { startEtcd } from './etcd';
import {
  PORTS_PER_ISTIOD,
  createIstiodRunner,
  istioBinariesFor,
  istioVersionOf,
  planIstiods,
} from './istio/bedIstiods';
import { IstiodRunner } from './istio/IstiodRunner';
import { istiodLogFile } from './istio/istiod';
import {
  dataPlaneIstiodOptions,
  planDataPlane,
  startDataPlane,
} from './dataPlane/bedDataPlane';
import { BedNetwork } from './dataPlane/BedNetwork';
import type { DataPlane } from './dataPlane/DataPlane';
import {
  DEFAULT_ISTIO_VERSION,
  gatewayAddressFor,
  istioPods,
  meshConfigMap,
} from './istioManifests';
import { kubernetesConfigFor, renderKubeconfig } from './kubeconfig';
import { findBinaries } from './paths';
import {
  createCertificateAuthority,
  createServiceAccountKeys,
  createServingCertificate,
} from './pki';
import { freePorts } from './ports';
import { ManagedProcess, stopProcess } from './processes';
import { apply, seedCluster, waitForIstioCrds } from './seedCluster';
import {
  seedTemplatesDir,
  restoreSeedTemplate,
  saveSeedTemplate,
} from './seedTemplates';
import { newTokens, renderTokenFile } from './tokens';
import type { TestBed, TestBedOptions, TestCluster } from './types';

const clusterNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkClusterNames(names: string[]) {
  if (names.length === 0) {
    throw new Error('startTestBed needs at least one cluster name.');
  }
  for (const name of names) {
    if (!clusterNamePattern.test(name)) {
      throw new Error(
        `Cluster name "${name}" is not a DNS label (lowercase letters, digits and '-'); it becomes an etcd prefix and a hostname.`,
      );
    }
  }
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) {
    throw new Error(`Cluster name "${duplicate}" is given twice.`);
  }
}

/**
 * Starts one etcd and one kube-apiserver per cluster over it, each seeded like an Istio install.
 *
 * @public
 */
export async function startTestBed(
  givenOptions: TestBedOptions,
): Promise<TestBed> {
  const log = givenOptions.log ?? (() => {});
  checkClusterNames(givenOptions.clusters);
  const dataPlanePlan = planDataPlane(givenOptions);
  const options = dataPlaneIstiodOptions(givenOptions, dataPlanePlan);
  const createdStateDir = !options.stateDir;
  const stateDir = path.resolve(
    options.stateDir ??
      fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-test-bed-')),
  );
  fs.mkdirSync(stateDir, { recursive: true });
  // A temp dir must not outlive a process that exits without calling stop().
  const removeTempStateDir = () => {
    if (createdStateDir && !process.env.CROSSMESH_TEST_BED_KEEP_STATE) {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  };
  process.once('exit', removeTempStateDir);

  const processes = new Map<string, ManagedProcess>();
  const istiods = new Map<string, IstiodRunner>();
  let network: BedNetwork | undefined;
  let dataPlane: DataPlane | undefined;
  const stopAll = async () => {
    await dataPlane?.stop();
    dataPlane = undefined;
    await network?.remove();
    network = undefined;
    await Promise.all([...istiods.values()].map(runner => runner.close()));
    istiods.clear();
    const apiservers = [...processes.entries()].filter(([k]) => k !== 'etcd');
    await Promise.all(
      apiservers.map(([, p]) => stopProcess(p, { signal: 'SIGKILL' })),
    );
    const etcd = processes.get('etcd');
    if (etcd) {
      await stopProcess(etcd, { graceMs: 3000 });
    }
    processes.clear();
  };

  try {
    const istiodPlan = planIstiods(options);
    const [binaries, istio] = await Promise.all([
      findBinaries(),
      istioBinariesFor(istiodPlan),
    ]);
    const [etcdClientPort, etcdPeerPort, ...clusterPorts] = await freePorts(
      2 + options.clusters.length + PORTS_PER_ISTIOD * istiodPlan.clusters.size,
    );
    const apiserverPorts = clusterPorts.splice(0, options.clusters.length);
    if (dataPlanePlan) {
      network = await BedNetwork.create();
      log(`data plane network ${network.bridge} at ${network.hostAddress}/24`);
    }
    const ca = await createCertificateAuthority(path.join(stateDir, 'ca'));
    const caData = Buffer.from(ca.certPem).toString('base64');

    log(`starting etcd on 127.0.0.1:${etcdClientPort}`);
    const etcdStart = startEtcd({
      binary: binaries.etcd,
      stateDir,
      clientPort: etcdClientPort,
      peerPort: etcdPeerPort,
    });

    const auditPolicyFile = writeAuditPolicy(stateDir, {
      crossmeshReads: options.auditCrossmeshReads,
    });
    const specs = new Map<string, ApiserverSpec>();
    const clusters: TestCluster[] = await Promise.all(
      options.clusters.map(async (name, index) => {
        const clusterDir = path.join(stateDir, 'clusters', name);
        const certDir = path.join(clusterDir, 'certs');
        const serving = await createServingCertificate(ca, certDir);
        const serviceAccount = createServiceAccountKeys(certDir);
        const tokens = newTokens();
        const tokenFile = path.join(clusterDir, 'tokens.csv');
        fs.writeFileSync(tokenFile, renderTokenFile(tokens), { mode: 0o600 });
        const spec: ApiserverSpec = {
          name,
          binary: binaries.kubeApiserver,
          port: apiserverPorts[index],
          etcdUrl: `http://127.0.0.1:${etcdClientPort}`,
          clusterDir,
          stateDir,
          caPem: ca.certPem,
          certFile: serving.certFile,
          keyFile: serving.keyFile,
          tokenFile,
          serviceAccountPublicKeyFile: serviceAccount.publicKeyFile,
          serviceAccountPrivateKeyFile: serviceAccount.privateKeyFile,
          auditPolicyFile,
          auditLogFile: path.join(stateDir, 'logs', `audit-${name}.log`),
        };
        specs.set(name, spec);
        const cluster: TestCluster = {
          name,
          url: apiserverUrl(spec),
          caData,
          ...tokens,
          kubeconfigPath: path.join(clusterDir, 'kubeconfig.yaml'),
          auditLogPath: spec.auditLogFile,
          gatewayAddress: gatewayAddressFor(index),
          istioVersion: istioVersionOf(
            name,
            options,
            istiodPlan,
            istio,
            DEFAULT_ISTIO_VERSION,
          ),
        };
        if (istio && istiodPlan.clusters.has(name)) {
          const runner = createIstiodRunner(
            cluster,
            istio,
            istiodPlan,
            clusterPorts.splice(0, PORTS_PER_ISTIOD),
            stateDir,
            ca.certPem,
            log,
            network?.hostAddress,
          );
          istiods.set(name, runner);
          const { ports, host } = runner.spec;
          cluster.istiod = {
            version: istio.version,
            debugUrl: `http://${host}:${ports.http}`,
            xdsAddress: `${host}:${ports.grpc}`,
            caAddress: `${host}:${ports.secureGrpc}`,
            logFile: istiodLogFile(runner.spec),
          };
        }
        fs.writeFileSync(
          cluster.kubeconfigPath,
          renderKubeconfig(cluster, tokens.adminToken),
          { mode: 0o600 },
        );
        return cluster;
      }),
    );

    const etcd = await etcdStart;
    processes.set('etcd', etcd.process);
    log(`etcd ready; starting ${clusters.length} kube-apiservers`);

    const startApiserver = async (name: string) => {
      const spec = specs.get(name)!;
      const child = startApiserverProcess(spec);
      processes.set(name, child);
      await waitForApiserver(spec, child);
    };

    // A state dir given by the caller may hold an earlier start's cluster: seed that one as ever.
    const templates = createdStateDir ? seedTemplatesDir() : undefined;
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    await Promise.all(
      clusters.map(async cluster => {
        const admin = {
          url: cluster.url,
          ca: ca.certPem,
          token: cluster.adminToken,
        };
        const seed = {
          istioVersion: cluster.istioVersion,
          gatewayAddress: cluster.gatewayAddress,
          crossmeshAccess: options.crossmeshAccess,
        };
        const seeded =
          templates &&
          (await restoreSeedTemplate(templates, etcdUrl, cluster.name, seed));
        await startApiserver(cluster.name);
        if (seeded) {
          log(
            `${cluster.name}: kube-apiserver ready at ${cluster.url}, seeded from this run's copy`,
          );
          await waitForIstioCrds(admin);
        } else {
          log(
            `${cluster.name}: kube-apiserver ready at ${cluster.url}; seeding`,
          );
          await seedCluster(admin, seed);
          if (templates) {
            await saveSeedTemplate(templates, etcdUrl, cluster.name, seed);
          }
        }
        log(`${cluster.name}: seeded with Istio ${cluster.istioVersion}`);
        const istiod = istiods.get(cluster.name);
        if (istiod) {
          for (const manifest of [
            meshConfigMap(),
            ...istioPods(cluster.istioVersion),
          ]) {
            await apply(admin, manifest);
          }
          await istiod.start();
          istiod.followRollouts();
          log(`${cluster.name}: istiod ${cluster.istiod!.version} ready`);
        }
      }),
    );

    if (dataPlanePlan && network) {
      dataPlane = await startDataPlane(dataPlanePlan, {
        network,
        clusters,
        stateDir,
        log,
      });
    }

    const clusterNamed = (name: string) => {
      if (!specs.has(name)) {
        throw new Error(
          `No cluster named "${name}" in this test bed; it has ${[
            ...specs.keys(),
          ].join(', ')}.`,
        );
      }
      return name;
    };

    const istiodOf = (name: string) => {
      const runner = istiods.get(clusterNamed(name));
      if (!runner) {
        throw new Error(
          `Cluster "${name}" runs no istiod; start the bed with istiod: true (or list it in istiod.clusters).`,
        );
      }
      return runner;
    };

    let stopped = false;
    return {
      clusters,
      stateDir,
      etcdUrl,
      dataPlane,
      kubernetesConfig: () => kubernetesConfigFor(clusters),
      async stopCluster(name) {
        const child = processes.get(clusterNamed(name));
        if (child) {
          await stopProcess(child);
          processes.delete(name);
        }
      },
      async killCluster(name) {
        const child = processes.get(clusterNamed(name));
        if (child) {
          await stopProcess(child, { signal: 'SIGKILL' });
          processes.delete(name);
        }
      },
      async startCluster(name) {
        if (processes.get(clusterNamed(name))) {
          throw new Error(
            `Cluster "${name}" is already running; call stopCluster or killCluster first.`,
          );
        }
        await startApiserver(name);
        const cluster = clusters.find(c => c.name === name)!;
        await waitForIstioCrds({
          url: cluster.url,
          ca: ca.certPem,
          token: cluster.adminToken,
        });
      },
      async stopIstiod(name, signal = 'SIGTERM') {
        await istiodOf(name).stop(signal);
      },
      async startIstiod(name) {
        await istiodOf(name).start();
      },
      async stop() {
        if (stopped) {
          return;
        }
        stopped = true;
        await stopAll();
        process.removeListener('exit', removeTempStateDir);
        removeTempStateDir();
      },
    };
  } catch (error) {
    await stopAll();
    process.removeListener('exit', removeTempStateDir);
    removeTempStateDir();
    throw error;
  }
}
