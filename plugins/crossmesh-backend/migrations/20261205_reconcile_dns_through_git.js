/**
 * `.global` DNS through Git (ADR 0037): room for the states `waiting-for-merge` (17
 * characters) and `syncing`, and the words that say what the cluster's DNS waits for.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('reconcile_status', table => {
    table.string('dns', 32).nullable().alter();
    table.text('dns_detail').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('reconcile_status')
    .whereIn('dns', ['waiting-for-merge', 'syncing'])
    .update({ dns: null });
  await knex.schema.alterTable('reconcile_status', table => {
    table.dropColumn('dns_detail');
  });
  await knex.schema.alterTable('reconcile_status', table => {
    table.string('dns', 16).nullable().alter();
  });
};
