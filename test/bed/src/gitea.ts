import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runBuildScript } from './paths';
import { freePort } from './ports';
import { logTail, startProcess, stopProcess } from './processes';

const run = promisify(execFile);

/**
 * A real Gitea on loopback with SQLite, set up with its own CLI: one admin user and a token
 * with every scope.
 *
 * @public
 */
export interface TestGitea {
  /** `http://127.0.0.1:<port>`, the base URL of its web and REST API. */
  url: string;
  username: string;
  /** An access token of `username` (scopes: all), for `Authorization: token <t>`. */
  token: string;
  logFile: string;
  /** Makes a repository of `username` with one commit on `main`. */
  createRepository(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Runs build-gitea.sh (instant once cached); returns the folder with gitea, options, templates. */
function giteaDir(): Promise<string> {
  return runBuildScript(
    'build-gitea.sh',
    'Gitea',
    'Install Go 1.26 to build it (scripts/setup.sh --for-tests does), or set CROSSMESH_GITEA_BIN.',
  );
}

function appIni(dir: string, port: number, staticRoot: string): string {
  return `APP_NAME = crossmesh test forge
RUN_MODE = prod
RUN_USER = ${os.userInfo().username}
WORK_PATH = ${dir}

[database]
DB_TYPE = sqlite3
PATH = ${dir}/gitea.db

[repository]
ROOT = ${dir}/repositories
DEFAULT_BRANCH = main

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = ${port}
ROOT_URL = http://127.0.0.1:${port}/
DISABLE_SSH = true
OFFLINE_MODE = true
LFS_START_SERVER = false
STATIC_ROOT_PATH = ${staticRoot}
APP_DATA_PATH = ${dir}/data

[security]
INSTALL_LOCK = true
SECRET_KEY = ${crypto.randomBytes(24).toString('hex')}
INTERNAL_TOKEN = ${crypto.randomBytes(48).toString('base64url')}

[oauth2]
ENABLED = false

[service]
DISABLE_REGISTRATION = true

[session]
PROVIDER = memory

[cache]
ADAPTER = memory

[cron]
ENABLED = false

[mailer]
ENABLED = false

[log]
MODE = console
LEVEL = Info
`;
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: 2000 }, response => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

/**
 * Starts Gitea in a new folder `stateDir/gitea-XXXXXX` (its log is `gitea.log` there; a bed's
 * state dir may have served other tests' Giteas): writes its app.ini, migrates its database,
 * creates the admin user and its token with Gitea's CLI, then serves and waits until the API
 * answers.
 *
 * @public
 */
export async function startGitea(stateDir: string): Promise<TestGitea> {
  const home = await giteaDir();
  const binary = path.join(home, 'gitea');
  fs.mkdirSync(stateDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(stateDir, 'gitea-'));
  fs.mkdirSync(path.join(dir, 'custom', 'conf'), { recursive: true });
  const port = await freePort();
  const config = path.join(dir, 'custom', 'conf', 'app.ini');
  fs.writeFileSync(config, appIni(dir, port, home));
  const env = {
    ...process.env,
    GITEA_WORK_DIR: dir,
    GITEA_CUSTOM: path.join(dir, 'custom'),
    // The bed runs as root in CI containers; Gitea refuses that unless told.
    GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT: 'true',
  };
  const cli = async (...args: string[]) =>
    (await run(binary, [...args, '--config', config], { env, cwd: dir }))
      .stdout;

  const username = 'crossmesh';
  await cli('migrate');
  await cli(
    'admin',
    'user',
    'create',
    '--admin',
    '--username',
    username,
    '--password',
    crypto.randomBytes(12).toString('hex'),
    '--email',
    'crossmesh@example.invalid',
    '--must-change-password=false',
  );
  // Gitea logs to stdout too (its warning about root, and under load lines after the
  // token): the token is the line of 40 hex digits.
  const tokenOutput = await cli(
    'admin',
    'user',
    'generate-access-token',
    '--username',
    username,
    '--token-name',
    'crossmesh',
    '--scopes',
    'all',
    '--raw',
  );
  const token = tokenOutput
    .split('\n')
    .map(line => line.trim())
    .find(line => /^[0-9a-f]{40}$/.test(line));
  if (!token) {
    throw new Error(
      `gitea admin user generate-access-token printed no token:\n${tokenOutput}`,
    );
  }

  const logFile = path.join(dir, 'gitea.log');
  const child = startProcess({
    name: 'gitea',
    command: binary,
    args: ['web', '--config', config],
    cwd: dir,
    env,
    logFile,
    pidDir: path.join(dir, 'pids'),
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.hasExited()) {
      throw new Error(
        `gitea ${await child.exited} before serving. Last lines of ${logFile}:\n${logTail(
          logFile,
          30,
        )}`,
      );
    }
    if ((await get(`${url}/api/v1/version`).catch(() => 0)) === 200) break;
    if (Date.now() > deadline) {
      throw new Error(
        `gitea did not answer ${url}/api/v1/version within 30 s. Last lines of ${logFile}:\n${logTail(
          logFile,
          30,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }

  return {
    url,
    username,
    token,
    logFile,
    async createRepository(name) {
      const response = await fetch(`${url}/api/v1/user/repos`, {
        method: 'POST',
        headers: {
          authorization: `token ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name, auto_init: true, default_branch: 'main' }),
      });
      if (response.status !== 201) {
        throw new Error(
          `creating repository ${name} answered ${
            response.status
          }: ${await response.text()}`,
        );
      }
    },
    stop: () => stopProcess(child),
  };
}
