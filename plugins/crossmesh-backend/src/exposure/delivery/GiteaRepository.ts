import {
  AuthenticationError,
  ConflictError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { GitRepository } from './deliverySettings';

/**
 * A pull request as crossmesh follows it.
 *
 * @internal
 */
export interface PullRequest {
  number: number;
  url: string;
  state: 'open' | 'merged' | 'closed';
  head: string;
  base: string;
}

/**
 * One change of a cluster's folder: the files to write and to remove, proposed from branch
 * `head` to `base`.
 *
 * @internal
 */
export interface FolderChange {
  base: string;
  head: string;
  write: Array<{ file: string; content: string }>;
  remove: string[];
  title: string;
  body: string;
}

interface GiteaPull {
  number: number;
  html_url: string;
  state: 'open' | 'closed';
  merged: boolean;
  head: { ref: string };
  base: { ref: string };
}

/**
 * One repository on Gitea, through its REST API, as crossmesh's delivery needs it: read a
 * folder, propose a change of it as one commit on its own branch with a pull request, follow
 * and merge the pull request. Proposing is idempotent: the same change proposed again, by
 * this replica or another, finds the branch and the pull request already made.
 *
 * @internal
 */
export class GiteaRepository {
  private readonly api: string;

  constructor(
    private readonly repository: GitRepository,
    private readonly token: string,
  ) {
    const base = repository.url.slice(
      0,
      -`/${repository.owner}/${repository.name}`.length,
    );
    this.api = `${base}/api/v1/repos/${repository.owner}/${repository.name}`;
  }

  /** The files of `folder` on `branch`, by name relative to it; none when it does not exist. */
  async readFolder(
    branch: string,
    folder: string,
  ): Promise<Map<string, { content: string; sha: string }>> {
    const ref = `?ref=${encodeURIComponent(branch)}`;
    const listing = await this.call<Array<{
      name: string;
      type: string;
      sha: string;
    }> | null>('GET', `/contents/${folder}${ref}`, undefined, [404]);
    const files = new Map<string, { content: string; sha: string }>();
    for (const entry of listing ?? []) {
      if (entry.type !== 'file') continue;
      const content = await this.call<string>(
        'GET',
        `/raw/${folder}/${entry.name}${ref}`,
        undefined,
        [],
        'text',
      );
      files.set(entry.name, { content, sha: entry.sha });
    }
    return files;
  }

  /**
   * One file on `branch`, by its path in the repository (outside a cluster's folder, say);
   * undefined when there is no such file.
   */
  async readFile(
    branch: string,
    file: string,
  ): Promise<{ content: string; sha: string } | undefined> {
    const found = await this.call<{
      type?: string;
      content?: string;
      sha: string;
    } | null>(
      'GET',
      `/contents/${file}?ref=${encodeURIComponent(branch)}`,
      undefined,
      [404],
    );
    if (found?.type !== 'file') return undefined;
    const content = Buffer.from(found.content ?? '', 'base64').toString('utf8');
    return { content, sha: found.sha };
  }

  /**
   * Commits `change` to `folder` on a new branch `change.head` made from `change.base`, and
   * opens its pull request; or finds both, when they were made already.
   */
  async propose(folder: string, change: FolderChange): Promise<PullRequest> {
    const existing = await this.pullRequestOf(change.base, change.head);
    if (existing) return existing;
    if (!(await this.branchExists(change.head))) {
      const current = await this.readFolder(change.base, folder);
      const files = [
        ...change.write.map(({ file, content }) => ({
          operation: current.has(file) ? 'update' : 'create',
          path: `${folder}/${file}`,
          content: Buffer.from(content, 'utf8').toString('base64'),
          ...(current.has(file) ? { sha: current.get(file)!.sha } : {}),
        })),
        ...change.remove.map(file => ({
          operation: 'delete',
          path: `${folder}/${file}`,
          sha: current.get(file)?.sha,
        })),
      ];
      try {
        await this.call('POST', '/contents', {
          branch: change.base,
          new_branch: change.head,
          message: change.title,
          files,
        });
      } catch (error) {
        // Another replica is making the branch (Gitea refuses a ref it holds locked): its
        // commit is the same change, once it is there.
        if (!(await this.branchAppears(change.head))) throw error;
      }
    }
    try {
      await this.call<GiteaPull>('POST', '/pulls', {
        base: change.base,
        head: change.head,
        title: change.title,
        body: change.body,
      });
    } catch (error) {
      if (!(await this.pullRequestOf(change.base, change.head))) throw error;
    }
    return this.keepFirstOpen(change.base, change.head);
  }

  /**
   * Gitea opens a second pull request for the same branches when two arrive at once (the
   * reconcile lease keeps replicas apart, this is the net under it): every proposer keeps
   * the first and closes the others, so all of them return the same one.
   */
  private async keepFirstOpen(
    base: string,
    head: string,
  ): Promise<PullRequest> {
    const open = (
      await this.call<GiteaPull[]>('GET', '/pulls?state=open&limit=50')
    )
      .filter(p => p.base.ref === base && p.head.ref === head)
      .sort((a, b) => a.number - b.number);
    for (const duplicate of open.slice(1)) {
      await this.call('PATCH', `/pulls/${duplicate.number}`, {
        state: 'closed',
      }).catch(async error => {
        // The other proposer closed it at the same moment.
        if ((await this.pullRequest(duplicate.number)).state === 'open') {
          throw error;
        }
      });
    }
    if (open.length === 0) {
      const found = await this.pullRequestOf(base, head);
      if (found) return found;
      throw new ConflictError(
        `no open pull request from ${head} to ${base} on ${this.repository.url} after opening one`,
      );
    }
    return toPullRequest(open[0]);
  }

  /**
   * Closes the open pull requests from branches starting with `headPrefix` to `base`, except
   * `keep`, each with a comment naming the one that supersedes it: crossmesh's earlier
   * proposals for a folder that has moved on. Returns the numbers it closed.
   */
  async closeSuperseded(
    base: string,
    headPrefix: string,
    keep: PullRequest,
  ): Promise<number[]> {
    const stale = (
      await this.call<GiteaPull[]>('GET', '/pulls?state=open&limit=50')
    ).filter(
      p =>
        p.base.ref === base &&
        p.head.ref.startsWith(headPrefix) &&
        p.number !== keep.number,
    );
    for (const pull of stale) {
      await this.call('POST', `/issues/${pull.number}/comments`, {
        body: `Superseded by #${keep.number} (${keep.url}): crossmesh proposes the folder's whole wanted state there.`,
      });
      await this.call('PATCH', `/pulls/${pull.number}`, { state: 'closed' });
    }
    return stale.map(p => p.number);
  }

  async pullRequest(number: number): Promise<PullRequest> {
    return toPullRequest(await this.call<GiteaPull>('GET', `/pulls/${number}`));
  }

  /** The commit `branch` is at. */
  async headCommit(branch: string): Promise<string> {
    const found = await this.call<{ commit: { id: string } }>(
      'GET',
      `/branches/${encodeURIComponent(branch)}`,
    );
    return found.commit.id;
  }

  /** The files a pull request changes, by path in the repository. */
  async changedFiles(number: number): Promise<string[]> {
    const files = await this.call<Array<{ filename: string }>>(
      'GET',
      `/pulls/${number}/files`,
    );
    return files.map(f => f.filename).sort();
  }

  /**
   * Merges a pull request and deletes its branch. Gitea checks a new pull request's
   * mergeability in the background and answers 405 "try again later" until it has: that is
   * waited out, up to 15 s.
   */
  async merge(number: number): Promise<PullRequest> {
    const body = { Do: 'merge', delete_branch_after_merge: true };
    for (let waited = 0; ; waited += 250) {
      const busy = await this.call<null>(
        'POST',
        `/pulls/${number}/merge`,
        body,
        waited < 15_000 ? [405] : [],
      );
      if (busy !== null) break;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    return this.pullRequest(number);
  }

  private async pullRequestOf(
    base: string,
    head: string,
  ): Promise<PullRequest | undefined> {
    const found = await this.call<GiteaPull | null>(
      'GET',
      `/pulls/${encodeURIComponent(base)}/${encodeURIComponent(head)}`,
      undefined,
      [404],
    );
    return found ? toPullRequest(found) : undefined;
  }

  private async branchAppears(branch: string): Promise<boolean> {
    for (let waited = 0; waited <= 5_000; waited += 100) {
      if (await this.branchExists(branch)) return true;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    return false;
  }

  private async branchExists(branch: string): Promise<boolean> {
    const found = await this.call<object | null>(
      'GET',
      `/branches/${encodeURIComponent(branch)}`,
      undefined,
      [404],
    );
    return found !== null;
  }

  /** One API call; a status in `nullOn` answers null (absent, or busy), any other failure a typed error; an empty body answers the empty string. */
  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    nullOn: number[] = [],
    as: 'json' | 'text' = 'json',
  ): Promise<T> {
    const url = `${this.api}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `token ${this.token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `Gitea at ${this.repository.url} cannot be reached (${
          (error as Error).cause ?? (error as Error).message
        }); check that it runs and the repository's address in crossmesh.delivery`,
      );
    }
    if (nullOn.includes(response.status)) return null as T;
    if (response.ok) {
      const text = await response.text();
      if (as === 'text') return text as T;
      return (text ? JSON.parse(text) : '') as T;
    }
    const message = await response
      .json()
      .then(b => (b as { message?: string }).message)
      .catch(() => undefined);
    const what = `${method} ${path} on ${this.repository.url} answered ${
      response.status
    }${message ? `: ${message}` : ''}`;
    if (response.status === 401) {
      throw new AuthenticationError(
        `${what}; Gitea refused crossmesh's token: renew it in integrations.gitea (password) for ${this.repository.host}`,
      );
    }
    if (response.status === 403) {
      throw new NotAllowedError(
        `${what}; give crossmesh's Gitea user write access to ${this.repository.owner}/${this.repository.name}`,
      );
    }
    if (response.status === 409 || response.status === 422) {
      throw new ConflictError(what);
    }
    throw new ServiceUnavailableError(what);
  }
}

function toPullRequest(pull: GiteaPull): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    state: pull.merged ? 'merged' : pull.state,
    head: pull.head.ref,
    base: pull.base.ref,
  };
}
