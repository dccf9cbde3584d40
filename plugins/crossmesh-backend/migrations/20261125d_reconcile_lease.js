/**
 * Who may run a reconcile pass right now: one row, held until it expires.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('reconcile_lease', table => {
    table.comment(
      'The replica allowed to write to the clusters, until expires_at',
    );
    table.string('name', 100).primary().notNullable();
    table.string('holder', 200).nullable();
    table.bigInteger('expires_at_ms').notNullable().defaultTo(0);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('reconcile_lease');
};
