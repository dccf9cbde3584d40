/**
 * What the last reconcile pass did in each cluster, for the mesh overview.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('reconcile_status', table => {
    table.comment('The result of the last reconcile pass, one row per cluster');
    table.string('cluster_name', 253).primary().notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.boolean('ok').notNullable();
    table.text('error').nullable();
    table.integer('applied').notNullable();
    table.integer('removed').notNullable();
    table.string('dns', 16).nullable();
    table.text('dns_error').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('reconcile_status');
};
