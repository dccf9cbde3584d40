import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import yaml from 'js-yaml';

/** Where the test bed behind the app keeps its state (scripts/run-app.sh: $CROSSMESH_RUN_STATE_DIR/bed). */
const bedDir =
  process.env.CROSSMESH_E2E_BED_DIR ??
  path.resolve(__dirname, '../../../.crossmesh/e2e/bed');

/** An admin connection to one of the bed's real kube-apiservers. */
export interface BedCluster {
  name: string;
  url: string;
  ca: string;
  token: string;
}

/** Reads the admin kubeconfig the bed writes for each cluster (new tokens on each start). */
export function bedCluster(name: string): BedCluster {
  const file = path.join(bedDir, 'clusters', name, 'kubeconfig.yaml');
  const kubeconfig = yaml.load(fs.readFileSync(file, 'utf8')) as {
    clusters: Array<{
      cluster: { server: string; 'certificate-authority-data': string };
    }>;
    users: Array<{ user: { token: string } }>;
  };
  const { cluster } = kubeconfig.clusters[0];
  return {
    name,
    url: cluster.server,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(
      'utf8',
    ),
    token: kubeconfig.users[0].user.token,
  };
}

function kubeRequest(
  cluster: BedCluster,
  method: 'GET' | 'DELETE',
  apiPath: string,
): Promise<any> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      new URL(apiPath, cluster.url),
      {
        method,
        ca: cluster.ca,
        agent: false,
        timeout: 15_000,
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${cluster.token}`,
        },
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) {
            reject(
              new Error(
                `${method} ${apiPath} on ${cluster.name}: HTTP ${response.statusCode} ${text}`,
              ),
            );
            return;
          }
          resolve(JSON.parse(text));
        });
      },
    );
    request.on('timeout', () =>
      request.destroy(
        new Error(`${method} ${apiPath} on ${cluster.name} timed out`),
      ),
    );
    request.on('error', reject);
    request.end();
  });
}

function getJson(cluster: BedCluster, apiPath: string): Promise<any> {
  return kubeRequest(cluster, 'GET', apiPath);
}

const CACERTS_PATH = '/api/v1/namespaces/istio-system/secrets/cacerts';

/** The PEM files of the cluster's istio-system/cacerts Secret, decoded. */
export async function readCacerts(
  cluster: BedCluster,
): Promise<Record<string, string>> {
  const secret = await getJson(cluster, CACERTS_PATH);
  return Object.fromEntries(
    Object.entries(secret.data as Record<string, string>).map(
      ([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')],
    ),
  );
}

/** Deletes the cluster's cacerts Secret, as someone working around crossmesh might. */
export async function deleteCacerts(cluster: BedCluster): Promise<void> {
  await kubeRequest(cluster, 'DELETE', CACERTS_PATH);
}

/** Whether the cluster has a cacerts Secret. */
export async function hasCacerts(cluster: BedCluster): Promise<boolean> {
  try {
    await getJson(cluster, CACERTS_PATH);
    return true;
  } catch (error) {
    if (String(error).includes('HTTP 404')) return false;
    throw error;
  }
}

/** The ServiceEntries in any namespace of the cluster whose hosts include `host`. */
export async function serviceEntriesFor(
  cluster: BedCluster,
  host: string,
): Promise<any[]> {
  const list = await getJson(
    cluster,
    '/apis/networking.istio.io/v1beta1/serviceentries',
  );
  return (list.items as any[]).filter(item =>
    (item.spec?.hosts ?? []).includes(host),
  );
}
