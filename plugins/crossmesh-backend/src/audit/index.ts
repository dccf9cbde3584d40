export type { AuditLog, AuditLogQuery, NewAuditEvent } from './AuditLog';
export { DatabaseAuditLog } from './DatabaseAuditLog';
