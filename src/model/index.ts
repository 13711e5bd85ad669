export type { Lease4, LeaseState, LeaseVersion } from './lease4.ts';
export { LEASE_STATE_CODE, leaseExpiry, leaseVersion } from './lease4.ts';
export type {
  Config4, Subnet4, Pool4, Reservation4, OptionValue4, OptionSet4, Lifetime, InterfaceSpec,
  LeaseDatabase, ExpiredLeasesProcessing, ControlSocketSpec, ControlClient, ControlTls,
} from './subnet4.ts';
export type { ReplyRoute4 } from './reply-route4.ts';
export { leaseToHaJson, leaseToKeaJson, leaseFromKeaJson } from './lease-json.ts';
export type { KeaLease4Json } from './lease-json.ts';
export type { HaConfig, HaMode, HaPeer, HaRole, HaTls } from './ha4.ts';
