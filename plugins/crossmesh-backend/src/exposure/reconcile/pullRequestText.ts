import type { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { exposureLink } from '../notify';
import { requestIdLabelValue } from '../render/names';
import type { PullRequestText } from './GitClusterDelivery';

/** Gitea and GitHub refuse bodies past 64 KiB; the files shown stop well before. */
const MAX_PREVIEW_CHARS = 40_000;

/**
 * Title and body of the pull request that carries a change of a cluster's folder: the
 * requests it serves (who asked, who approved, why, a link back to Backstage) and the files
 * as the approver previewed them.
 *
 * @internal
 */
export function pullRequestText(
  requests: ReadonlyArray<ExposureRequest>,
  appBaseUrl: string,
): PullRequestText {
  const byLabel = new Map(requests.map(r => [requestIdLabelValue(r.id), r]));
  return ({ cluster, path, requests: affected, write, remove }) => {
    const served = [...affected.labels]
      .map(label => byLabel.get(label))
      .filter((r): r is ExposureRequest => r !== undefined)
      .sort((a, b) => a.host.localeCompare(b.host));
    const verb = (r: ExposureRequest) =>
      r.state === 'revoking' ? 'remove' : 'expose';
    let title = `crossmesh: ${cluster}: update the mesh's objects`;
    if (served.length === 1) {
      const [r] = served;
      title = `crossmesh: ${verb(r)} ${r.host} ${
        r.state === 'revoking' ? 'from' : 'in'
      } ${cluster}`;
    } else if (served.length > 1) {
      title = `crossmesh: ${cluster}: ${served.length} exposure changes`;
    }

    const lines = [
      `crossmesh (Backstage) proposes this change of \`${path}\` for cluster \`${cluster}\`. Change exposures in Backstage rather than here: crossmesh proposes its folder again from what is approved there.`,
      '',
    ];
    for (const r of served) {
      lines.push(
        `- **${verb(r)} \`${r.host}\`** (${r.entityRef}, request ${
          r.id
        }): requested by ${r.requestedBy}${
          r.decidedBy ? `, approved by ${r.decidedBy}` : ''
        }${r.decidedAt ? ` on ${r.decidedAt}` : ''}; consumers ${
          r.consumerClusters.join(', ') || 'none'
        }; reason: ${r.reason}. [Open in Backstage](${appBaseUrl.replace(
          /\/$/,
          '',
        )}${exposureLink(r.entityRef)})`,
      );
    }
    if (affected.shared) {
      lines.push(
        '- objects shared by several exposures of this cluster change too',
      );
    }
    lines.push('');
    if (remove.length > 0) {
      lines.push(`Removed: ${remove.map(f => `\`${f}\``).join(', ')}`, '');
    }
    let shown = 0;
    for (const { file, content } of write) {
      if (shown + content.length > MAX_PREVIEW_CHARS) {
        lines.push(`(further files are in the commit; the list stops here)`);
        break;
      }
      shown += content.length;
      lines.push(`\`${file}\``, '```yaml', content.trimEnd(), '```', '');
    }
    return { title, body: lines.join('\n') };
  };
}
