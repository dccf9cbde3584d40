/**
 * The last time crossmesh read each cluster, and what it found.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cluster_observations', table => {
    table.comment('The last observation of each cluster of the mesh');
    table.string('cluster_name', 253).primary().notNullable();
    table.boolean('reachable').notNullable();
    table.text('error').nullable();
    table.string('istio_version', 64).nullable();
    table.text('istio_image').nullable();
    table.string('strategy', 32).nullable();
    table.string('strategy_source', 16).nullable();
    table.string('gateway_address', 253).nullable();
    table.integer('gateway_port').nullable();
    table.string('gateway_source', 16).nullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cluster_observations');
};
