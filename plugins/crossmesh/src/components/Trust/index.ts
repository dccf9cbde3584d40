export { TrustSection } from './TrustCard';
