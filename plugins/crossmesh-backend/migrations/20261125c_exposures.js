/**
 * Exposure requests, their progress in each cluster, and the VIPs of `.global` hosts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('exposure_requests', table => {
    table.comment('Requests to make a service reachable from other clusters');
    table.string('id', 255).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('service_name', 253).notNullable();
    table.string('service_namespace', 253).notNullable();
    table.text('ports').notNullable();
    table.string('source_cluster', 253).notNullable();
    table.text('consumer_clusters').notNullable();
    table.text('consumer_namespaces').notNullable();
    table.text('reason').notNullable();
    table.timestamp('end_date', { useTz: true }).nullable();
    table.string('state', 16).notNullable();
    table.string('host', 255).notNullable();
    table.string('vip', 15).nullable();
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.text('decision_comment').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['state'], 'exposure_requests_state_idx');
    table.index(['entity_ref'], 'exposure_requests_entity_ref_idx');
    table.index(['host'], 'exposure_requests_host_idx');
    table.index(['source_cluster'], 'exposure_requests_source_cluster_idx');
    table.index(
      ['requested_at', 'id'],
      'exposure_requests_requested_at_id_idx',
    );
  });

  // consumer_clusters keeps the order the requester gave; this table makes "which requests
  // does cluster X consume" an exact, indexed match instead of a search in JSON text.
  await knex.schema.createTable('exposure_request_consumers', table => {
    table.comment('The consumer clusters of each exposure request');
    table
      .string('request_id', 255)
      .notNullable()
      .references('id')
      .inTable('exposure_requests')
      .onDelete('CASCADE');
    table.string('cluster', 253).notNullable();
    table.primary(['request_id', 'cluster']);
    table.index(
      ['cluster', 'request_id'],
      'exposure_request_consumers_cluster_idx',
    );
  });

  await knex.schema.createTable('exposure_request_clusters', table => {
    table.comment('Progress of each exposure request in each cluster');
    table
      .string('request_id', 255)
      .notNullable()
      .references('id')
      .inTable('exposure_requests')
      .onDelete('CASCADE');
    table.string('cluster', 253).notNullable();
    table.string('role', 16).notNullable();
    table.string('state', 16).notNullable();
    table.text('last_error').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['request_id', 'cluster', 'role']);
  });

  await knex.schema.createTable('vip_allocations', table => {
    table.comment('The VIP of each .global host, unique across the mesh');
    table.string('host', 255).primary().notNullable();
    table.string('address', 15).notNullable();
    // No foreign key: the allocation belongs to the host and outlives the request that
    // first needed it while later requests for the same host still use it.
    table.string('request_id', 255).notNullable();
    table.timestamp('allocated_at', { useTz: true }).notNullable();
    table.unique(['address'], { indexName: 'vip_allocations_address_key' });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('vip_allocations');
  await knex.schema.dropTable('exposure_request_clusters');
  await knex.schema.dropTable('exposure_request_consumers');
  await knex.schema.dropTable('exposure_requests');
};
