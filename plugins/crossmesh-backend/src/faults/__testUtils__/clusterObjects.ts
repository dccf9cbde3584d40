import { TestCluster } from '@crossmesh/test-bed';
import fs from 'node:fs';
import { eventually } from '../../__testUtils__/eventually';
import { managedObjects } from '../../__testUtils__/reconcilerFixture';

/** The ServiceEntries crossmesh manages in a cluster, read as admin. */
export function managedServiceEntries(cluster: TestCluster) {
  return managedObjects(cluster, 'serviceentries');
}

/**
 * Watches a cluster's managed ServiceEntries and resolves `firstCreated` as soon as the
 * first one appears, so a test can strike while the rest are still being written.
 */
export async function watchFirstServiceEntry(cluster: TestCluster): Promise<{
  firstCreated: Promise<string>;
  stop(): void;
}> {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  let created: (host: string) => void = () => {};
  let failed: (error: Error) => void = () => {};
  const firstCreated = new Promise<string>((resolve, reject) => {
    created = resolve;
    failed = reject;
  });
  // Rejections are read by whoever awaits it; until then they must not crash jest.
  firstCreated.catch(() => {});
  let established = false;
  const open = async () => {
    let refusal: unknown;
    const controller = await new k8s.Watch(kubeConfig).watch(
      '/apis/networking.istio.io/v1beta1/serviceentries',
      { labelSelector: 'app.kubernetes.io/managed-by=crossmesh' },
      (phase, object) => {
        if (phase === 'ADDED') created(object.spec.hosts[0]);
      },
      error => {
        if (!established) {
          refusal = error ?? new Error('closed at once');
          return;
        }
        failed(
          new Error(
            `The watch on ${
              cluster.name
            }'s ServiceEntries ended before one was created: ${
              error ?? 'closed by the server'
            }`,
          ),
        );
      },
    );
    if (refusal) {
      // A fresh apiserver answers 429 until its watch cache for the kind is ready.
      throw refusal;
    }
    established = true;
    return controller;
  };
  const controller = await eventually(
    `a watch on ${cluster.name}'s ServiceEntries is open`,
    open,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return { firstCreated, stop: () => controller.abort() };
}

/** One write the API server answered, from its audit log. */
export interface AuditedWrite {
  verb: string;
  user: string;
  resource: string;
  namespace?: string;
  name?: string;
  code: number;
}

/** The successful writes (2xx) by user `crossmesh` to one resource of a cluster. */
export function crossmeshWrites(
  cluster: TestCluster,
  resource: string,
): AuditedWrite[] {
  const text = fs.existsSync(cluster.auditLogPath)
    ? fs.readFileSync(cluster.auditLogPath, 'utf8')
    : '';
  return text
    .split('\n')
    .flatMap(line => {
      try {
        return [JSON.parse(line)];
      } catch {
        return []; // the torn last line of an apiserver that was killed
      }
    })
    .map(
      (event): AuditedWrite => ({
        verb: event.verb,
        user: event.user?.username,
        resource: event.objectRef?.resource,
        namespace: event.objectRef?.namespace,
        name: event.objectRef?.name,
        code: event.responseStatus?.code ?? 0,
      }),
    )
    .filter(
      w =>
        w.user === 'crossmesh' &&
        w.resource === resource &&
        w.code >= 200 &&
        w.code < 300,
    );
}
