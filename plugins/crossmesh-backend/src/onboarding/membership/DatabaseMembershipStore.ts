import {
  ClusterMembership,
  IntermediateKeyType,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { Knex } from 'knex';
import {
  DbTimestamp,
  timestampFromDb,
  timestampToDb,
} from '../../database/timestamps';
import { DatabaseAuditLog } from '../../audit';
import {
  MembershipFields,
  MembershipStore,
  MembershipWrite,
} from './MembershipStore';

const TABLE = 'mesh_memberships';

interface MembershipRow {
  cluster_name: string;
  network: string;
  gateway_address: string | null;
  gateway_port: number | null;
  key_type: string | null;
  onboarded_at: DbTimestamp;
  onboarded_by: string;
  updated_at: DbTimestamp;
  updated_by: string;
}

const FIELDS: Array<keyof MembershipFields> = [
  'network',
  'gatewayAddress',
  'gatewayPort',
  'keyType',
];

/**
 * {@link MembershipStore} on the plugin's database (SQLite or PostgreSQL); each change is
 * written in one transaction with its event in the audit log. Expects the `20261125f_mesh_membership`
 * migration to have run.
 *
 * @internal
 */
export class DatabaseMembershipStore implements MembershipStore {
  constructor(private readonly db: Knex) {}

  async get(cluster: string): Promise<ClusterMembership | undefined> {
    const row = await this.db<MembershipRow>(TABLE)
      .where({ cluster_name: cluster })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<ClusterMembership[]> {
    const rows = await this.db<MembershipRow>(TABLE).orderBy('cluster_name');
    return rows.map(fromRow);
  }

  async put(
    fields: MembershipFields,
    actor: string,
    now: Date,
  ): Promise<MembershipWrite> {
    try {
      return await this.putOnce(fields, actor, now);
    } catch (error) {
      // Two first registrations at once: one insert loses on the primary key and the
      // second attempt sees the winner's row.
      if (await this.get(fields.cluster)) {
        return this.putOnce(fields, actor, now);
      }
      throw error;
    }
  }

  private putOnce(
    fields: MembershipFields,
    actor: string,
    now: Date,
  ): Promise<MembershipWrite> {
    return this.db.transaction(async trx => {
      const row = await trx<MembershipRow>(TABLE)
        .where({ cluster_name: fields.cluster })
        .first();
      const existing = row ? fromRow(row) : undefined;
      if (existing && FIELDS.every(f => existing[f] === fields[f])) {
        return { membership: existing, outcome: 'unchanged' as const };
      }
      const membership: ClusterMembership = {
        ...fields,
        onboardedAt: existing?.onboardedAt ?? now.toISOString(),
        onboardedBy: existing?.onboardedBy ?? actor,
        updatedAt: now.toISOString(),
        updatedBy: actor,
      };
      if (existing) {
        await trx<MembershipRow>(TABLE)
          .where({ cluster_name: fields.cluster })
          .update(toRow(membership));
      } else {
        await trx<MembershipRow>(TABLE).insert(toRow(membership));
      }
      const event = await new DatabaseAuditLog(trx).append({
        actor,
        action: existing ? 'cluster.membership-updated' : 'cluster.registered',
        clusterName: fields.cluster,
        occurredAt: now.toISOString(),
        details: {
          network: fields.network,
          gatewayAddress: fields.gatewayAddress,
          gatewayPort: fields.gatewayPort,
          keyType: fields.keyType,
          ...(existing
            ? {
                previous: Object.fromEntries(FIELDS.map(f => [f, existing[f]])),
              }
            : {}),
        },
      });
      return {
        membership,
        outcome: existing ? ('updated' as const) : ('created' as const),
        event,
      };
    });
  }
}

function toRow(m: ClusterMembership): MembershipRow {
  return {
    cluster_name: m.cluster,
    network: m.network,
    gateway_address: m.gatewayAddress,
    gateway_port: m.gatewayPort,
    key_type: m.keyType,
    onboarded_at: timestampToDb(m.onboardedAt, 'onboardedAt'),
    onboarded_by: m.onboardedBy,
    updated_at: timestampToDb(m.updatedAt, 'updatedAt'),
    updated_by: m.updatedBy,
  };
}

function fromRow(row: MembershipRow): ClusterMembership {
  return {
    cluster: row.cluster_name,
    network: row.network,
    gatewayAddress: row.gateway_address,
    gatewayPort:
      row.gateway_port === null || row.gateway_port === undefined
        ? null
        : Number(row.gateway_port),
    keyType: row.key_type as IntermediateKeyType | null,
    onboardedAt: timestampFromDb(row.onboarded_at),
    onboardedBy: row.onboarded_by,
    updatedAt: timestampFromDb(row.updated_at),
    updatedBy: row.updated_by,
  };
}
