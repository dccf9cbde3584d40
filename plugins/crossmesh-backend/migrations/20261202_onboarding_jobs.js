/**
 * Onboarding jobs: a cluster's onboarding as ordered steps with their progress and result,
 * readable from any replica. `running_cluster` holds the cluster's name while the job runs
 * and null after, so its unique index allows one running job per cluster.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('onboarding_jobs', table => {
    table.comment('Cluster onboarding jobs, their steps and results');
    table.string('id', 36).primary().notNullable();
    table.string('cluster_name', 253).notNullable().index();
    table.string('running_cluster', 253).nullable().unique();
    table.string('state', 16).notNullable();
    table.text('input').notNullable();
    table.text('steps').notNullable();
    table.text('result').notNullable();
    table.text('failure').nullable();
    table.text('resume').nullable();
    table.string('started_by', 255).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('onboarding_jobs');
};
