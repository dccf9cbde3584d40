/**
 * Root operations waiting for a second platform member (ADR 0026): who asked for what,
 * about which root (its fingerprint, and for a new root its certificate and sealed key),
 * when it expires, and who confirmed it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('trust_confirmations', table => {
    table.comment('Root operations that need a second platform member');
    table.string('id', 36).primary().notNullable();
    table.string('action', 64).notNullable();
    table.string('fingerprint_sha256', 128).notNullable();
    table
      .string('basis_fingerprint_sha256', 128)
      .notNullable()
      .comment(
        'The other root of the operation when asked for: the active root a rotation starts from, the new root a drop keeps',
      );
    table
      .text('root')
      .notNullable()
      .comment(
        'JSON: the root the action is about; a new root with its sealed key',
      );
    table.text('summary').notNullable();
    table.string('state', 16).notNullable();
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('confirmed_by', 255).nullable();
    table.timestamp('confirmed_at', { useTz: true }).nullable();
    table.index(['state', 'expires_at'], 'trust_confirmations_pending_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('trust_confirmations');
};
