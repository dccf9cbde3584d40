export { ipv4ToNumber, isIpv4, numberToIpv4 } from './ipv4';
export {
  ALLOCATABLE_VIP_COUNT,
  allocateMany,
  allocateVip,
  isAllocatableVip,
  isAllocatableVipValue,
} from './allocateVip';
export type {
  AllocateManyResult,
  AllocateVipOptions,
  AllocatedVip,
  ReservedRange,
  VipsInUse,
} from './allocateVip';
export {
  foreignServiceEntryAddresses,
  istioAutoAllocation,
  reservationsOf,
} from './reservedAddresses';
export type {
  ClusterReservedRange,
  ServiceEntryAddresses,
} from './reservedAddresses';
