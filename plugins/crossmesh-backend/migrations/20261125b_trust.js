/**
 * The mesh's certificate authority: roots, per-cluster intermediates, CSRs waiting for an
 * offline root, the state of a root rotation, and the audit log.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ca_roots', table => {
    table.comment('Root CAs that crossmesh holds or trusts');
    table.string('id', 255).primary().notNullable();
    table.text('cert_pem').notNullable();
    table.text('sealed_key').nullable();
    table.string('key_type', 64).notNullable();
    table.string('fingerprint_sha256', 128).notNullable();
    table.string('serial', 128).notNullable();
    table.text('subject').notNullable();
    table.timestamp('not_after', { useTz: true }).notNullable();
    table.string('source', 16).notNullable();
    table.string('state', 16).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.index(['state'], 'ca_roots_state_idx');
  });

  await knex.schema.createTable('ca_intermediates', table => {
    table.comment('Intermediate CAs issued for each cluster');
    table.string('id', 255).primary().notNullable();
    table.string('cluster_name', 253).notNullable();
    table
      .string('root_id', 255)
      .notNullable()
      .references('id')
      .inTable('ca_roots');
    table.text('cert_pem').notNullable();
    table.text('sealed_key').notNullable();
    table.string('key_type', 64).notNullable();
    table.string('serial', 128).notNullable();
    table.string('fingerprint_sha256', 128).notNullable();
    table.timestamp('not_before', { useTz: true }).notNullable();
    table.timestamp('not_after', { useTz: true }).notNullable();
    table.string('state', 16).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.index(
      ['cluster_name', 'state'],
      'ca_intermediates_cluster_state_idx',
    );
    table.index(['root_id'], 'ca_intermediates_root_idx');
  });
  // Partial unique indexes have the same syntax on PostgreSQL and SQLite.
  await knex.raw(
    `CREATE UNIQUE INDEX ca_intermediates_one_current_idx
       ON ca_intermediates (cluster_name) WHERE state = 'current'`,
  );

  await knex.schema.createTable('ca_pending_csrs', table => {
    table.comment('Intermediate CSRs waiting to be signed by an offline root');
    table.string('cluster_name', 253).primary().notNullable();
    table.text('csr_pem').notNullable();
    table.text('sealed_key').notNullable();
    table.string('key_type', 64).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
  });

  await knex.schema.createTable('trust_rotation', table => {
    table.comment('The single row of the root rotation state');
    table.integer('id').primary().notNullable();
    table.string('phase', 32).notNullable();
    table
      .string('old_root_id', 255)
      .nullable()
      .references('id')
      .inTable('ca_roots');
    table
      .string('new_root_id', 255)
      .nullable()
      .references('id')
      .inTable('ca_roots');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.check('?? = 1', ['id'], 'trust_rotation_single_row');
  });

  await knex.schema.createTable('audit_events', table => {
    table.comment('Audit log of actions on the mesh PKI');
    table.increments('id');
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 128).notNullable();
    table.string('cluster_name', 253).nullable();
    table.string('serial', 128).nullable();
    table.string('fingerprint_sha256', 128).nullable();
    table.text('details').notNullable();
    table.index(['occurred_at'], 'audit_events_occurred_at_idx');
    table.index(['cluster_name'], 'audit_events_cluster_name_idx');
    table.index(['action'], 'audit_events_action_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_events');
  await knex.schema.dropTable('trust_rotation');
  await knex.schema.dropTable('ca_pending_csrs');
  await knex.schema.dropTable('ca_intermediates');
  await knex.schema.dropTable('ca_roots');
};
