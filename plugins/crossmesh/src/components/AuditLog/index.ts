export { AuditLogCard } from './AuditLogCard';
