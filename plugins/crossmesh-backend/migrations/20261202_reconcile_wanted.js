/**
 * A counter any replica raises when something should be converged now: the replica that
 * holds the reconcile lease runs one more pass when it changed during its pass.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('reconcile_lease', table => {
    table.bigInteger('wanted').notNullable().defaultTo(0);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('reconcile_lease', table => {
    table.dropColumn('wanted');
  });
};
