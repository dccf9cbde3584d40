export { ClusterDnsWiring } from './ClusterDnsWiring';
export type {
  ClusterDnsWiringOptions,
  ConfigMapWriteInfo,
  DnsUnwiring,
  DnsWiring,
  DnsWiringAction,
} from './ClusterDnsWiring';
