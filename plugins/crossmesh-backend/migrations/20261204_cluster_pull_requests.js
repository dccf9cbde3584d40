/**
 * The pull request that carries a request's change to a cluster delivered through Git, and
 * room for its states (`waiting-for-merge` is 17 characters).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('exposure_request_clusters', table => {
    table.string('state', 32).notNullable().alter();
    table.integer('pull_request_number').nullable();
    table.text('pull_request_url').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('exposure_request_clusters', table => {
    table.dropColumn('pull_request_number');
    table.dropColumn('pull_request_url');
  });
  await knex('exposure_request_clusters')
    .whereIn('state', ['waiting-for-merge', 'syncing'])
    .update({ state: 'pending' });
  await knex.schema.alterTable('exposure_request_clusters', table => {
    table.string('state', 16).notNullable().alter();
  });
};
