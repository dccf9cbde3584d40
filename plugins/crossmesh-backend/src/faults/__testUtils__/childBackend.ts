import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ManagedProcess,
  seedServices,
  startProcess,
  stopProcess,
  TestBed,
} from '@crossmesh/test-bed';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { FaultDatabase } from './faultDatabase';
import { APPROVER_GROUP, faultServices } from './faultCatalog';

// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

const entry = resolvePackagePath(
  '@crossmesh/backstage-plugin-crossmesh-backend',
  'src/faults/__testUtils__/backendEntry.ts',
);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** What the backend answered: status and parsed JSON body. */
export interface Answer {
  status: number;
  body: any;
}

export interface ChildBackendOptions {
  /** Names its log and pid files, e.g. `replica-a`. */
  name: string;
  bed: TestBed;
  database: FaultDatabase;
  /** Where its config, log and pid go. */
  dir: string;
  /** How many components `svc-<i>` the in-memory catalog holds (their Services are created). */
  components: number;
  /** Merged into the `crossmesh:` config block. */
  crossmesh?: Record<string, unknown>;
}

/**
 * A crossmesh backend in a process of its own (`node` with Backstage's TypeScript
 * transform running `backendEntry.ts`), on the given PostgreSQL database and the bed's
 * clusters. It can be killed with SIGKILL and started again on the same port and database.
 * It dies with the test process, however that ends.
 */
export class ChildBackend {
  private process?: ManagedProcess;

  private constructor(
    private readonly options: ChildBackendOptions,
    private readonly port: number,
    private readonly configFile: string,
  ) {}

  static async start(options: ChildBackendOptions): Promise<ChildBackend> {
    const port = await freePort();
    await seedServices(options.bed.clusters, faultServices(options.components));
    fs.mkdirSync(options.dir, { recursive: true });
    const configFile = path.join(options.dir, `${options.name}.yaml`);
    const config = {
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        database: {
          client: 'pg',
          connection: options.database.connection,
          prefix: options.database.prefix,
        },
      },
      kubernetes: options.bed.kubernetesConfig(),
      crossmesh: {
        approvers: { groups: [APPROVER_GROUP] },
        reconcileIntervalSeconds: 1,
        clusterTimeoutSeconds: 5,
        ...options.crossmesh,
      },
    };
    // JSON is YAML, and Backstage reads --config files as YAML.
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    const backend = new ChildBackend(options, port, configFile);
    await backend.startProcess();
    return backend;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile() {
    return path.join(this.options.dir, `${this.options.name}.log`);
  }

  /** The last lines of its log, without the access log, for failure messages. */
  logTail(lines = 40): string {
    const text = fs.existsSync(this.logFile)
      ? fs.readFileSync(this.logFile, 'utf8')
      : '(no log)';
    const tail = text
      .split('\n')
      // Without colours, which split `type="incomingRequest"` apart.
      .map(line => line.replace(ANSI_COLOUR, ''))
      .filter(line => !line.includes('type="incomingRequest"'))
      .slice(-lines)
      .join('\n');
    return `Last lines of ${this.logFile}:\n${tail}`;
  }

  /** Starts it again after a kill: same port, same config, same database. */
  async restart(): Promise<void> {
    if (this.process && !this.process.hasExited()) {
      throw new Error(`${this.options.name} is still running; kill it first`);
    }
    await this.startProcess();
  }

  /** SIGKILL, as a crash or an OOM kill would: no shutdown hooks run. */
  async kill(): Promise<void> {
    if (this.process) {
      await stopProcess(this.process, { signal: 'SIGKILL' });
    }
  }

  async stop(): Promise<void> {
    if (this.process) {
      await stopProcess(this.process, { graceMs: 5_000 });
    }
  }

  /** Calls the crossmesh API as a user, e.g. `as('user:default/bob')`. */
  as(userEntityRef: string) {
    const call = async (
      method: string,
      apiPath: string,
      body?: unknown,
    ): Promise<Answer> => {
      const response = await fetch(`${this.baseUrl}/api/crossmesh${apiPath}`, {
        method,
        headers: {
          authorization: mockCredentials.user.header(userEntityRef),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON; keep the text for the failure message
      }
      return { status: response.status, body: parsed };
    };
    return {
      get: (apiPath: string) => call('GET', apiPath),
      post: (apiPath: string, body: unknown = {}) =>
        call('POST', apiPath, body),
    };
  }

  private async startProcess() {
    this.process = startProcess({
      name: this.options.name,
      command: 'env',
      args: [
        // Backstage's scheduler only reclaims the runs of dead replicas outside tests.
        'NODE_ENV=development',
        `LOG_LEVEL=${process.env.CROSSMESH_FAULT_LOG_LEVEL ?? 'info'}`,
        `CROSSMESH_FAULT_COMPONENTS=${this.options.components}`,
        process.execPath,
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        entry,
        '--config',
        this.configFile,
      ],
      logFile: this.logFile,
      pidDir: path.join(this.options.dir, 'pids'),
    });
    await this.waitUntilReady();
  }

  private async waitUntilReady(timeoutMs = 90_000) {
    const child = this.process!;
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    for (;;) {
      if (child.hasExited()) {
        throw new Error(
          `Backend ${
            this.options.name
          } ${await child.exited} before it was ready. ${this.logTail()}`,
        );
      }
      try {
        const response = await fetch(
          `${this.baseUrl}/.backstage/health/v1/readiness`,
        );
        if (response.ok) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = String(error);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Backend ${
            this.options.name
          } was not ready after ${timeoutMs} ms (last: ${last}). ${this.logTail()}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}
