/**
 * Clusters registered in the mesh: their Istio network, an optional gateway address
 * override, the key type of their intermediates, and who onboarded them when.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_memberships', table => {
    table.comment('Clusters registered in the mesh');
    table.string('cluster_name', 253).primary().notNullable();
    table.string('network', 63).notNullable();
    table.string('gateway_address', 253).nullable();
    table.integer('gateway_port').nullable();
    table.string('key_type', 32).nullable();
    table.timestamp('onboarded_at', { useTz: true }).notNullable();
    table.string('onboarded_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_memberships');
};
