// High availability: the pure foundations (no sockets). See docs/ha.md.

// --- helper 1: load balancing (RFC 3074) and address ownership ---
export { lbBucket, lbKey, lbMixTable, primaryShareBuckets, isPrimaryClient } from './scopes.ts';
export { createOwnership, ownershipHash, secondaryPercent, secondaryShare } from './ownership.ts';
export type { Owner, OwnerCounts, Ownership } from './ownership.ts';
// --- end helper 1 ---

// --- helper 2: states, facts, commands, auth (append exports below) ---
export { HA_STATES, NO_FACTS, allocationPolicy, decide, normalState, partnerDownCause, servedScopes, servesDhcp } from './states.ts';
export type {
  AllocationPolicy, Decision, DecideInput, HaDecideConfig, HaEffect, HaFacts, HaState, MaintenanceRequest,
  PartnerDownCause, PartnerView, ServedScope, SyncStatus,
} from './states.ts';
export { createUnackedClientsDetector, measureClockSkew, normalizeSecs } from './facts.ts';
export type { ClockSkew, ClockSkewLevel, UnackedClientsDetector, UnackedClientsOptions, UnackedClientsSnapshot } from './facts.ts';
export { formatHttpDate, parseHttpDate } from './http-date.ts';
export {
  HA_ORIGIN, HA_REMOTE_ORIGIN_BASE, MAX_BULK_LEASES, PARTNER_COMMANDS, RESULT, buildAnswer, bulkApplyAnswer, dhcpDisable,
  dhcpEnable, haHeartbeat, haMaintenanceNotify, haReset, haSyncCompleteNotify, heartbeatAnswer, lease4BulkApply,
  lease4Del, lease4GetPage, lease4Update, leasePageAnswer, parseAnswer,
} from './commands.ts';
export type {
  BulkApplyArgs, CommandJson, DisableArgs, EnableArgs, FailedLease, GetPageArgs, HeartbeatAnswer, KeaAnswer, LeaseArgs,
  LeasePage, MaintenanceNotifyArgs, Parsed, PartnerCommand, PartnerCommandName, Problem, ResultCode, ServerNameArgs,
  SyncCompleteArgs,
} from './commands.ts';
export { PARTNER_AUTH_HEADERS, createPartnerVerifier, signPartnerAnswer, signPartnerRequest, verifyPartnerAnswer } from './auth.ts';
export type { HeaderSource, PartnerAnswerHeaders, PartnerAuthHeaders, PartnerVerifier, PartnerVerifierOptions, SignInput, VerifyFailure, VerifyInput, VerifyResult } from './auth.ts';
// --- end helper 2 ---

// --- the service's contract with the control layer (lead) ---
export type { HaApi, PartnerChangeFailure, PartnerLeaseChange } from './ha-api.ts';

// --- the service, its partner I/O and hooks (helper S) ---
export { createHaService } from './service.ts';
export type { HaService, HaServiceOptions } from './service.ts';
export { createPartnerClient } from './partner-client.ts';
export type { PartnerClient, PartnerClientOptions, PartnerFailureCode, PartnerResult } from './partner-client.ts';
export { createLeaseUpdates } from './lease-updates.ts';
export type { LeaseUpdates, LeaseUpdatesOptions } from './lease-updates.ts';
export { syncFromPartner } from './sync.ts';
export type { SyncOptions, SyncResult } from './sync.ts';
export { createHaHooks, isPrimaryQuery } from './ha-hooks.ts';
export type { HaHookState } from './ha-hooks.ts';
// --- end helper S ---

// --- one relationship config (helper R) ---
export { sharedConfigHash } from './config-hash.ts';
export { LOCAL_HA_KEYS, SHARED_DHCP4_KEYS, canonicalJson, hashSharedConfig, mergeSharedConfig, sharedConfigPart } from './config-push.ts';
export type { MergeResult, SharedConfig } from './config-push.ts';
export { createConfigReplication } from './config-replication.ts';
export type { ApplyConfigOutcome, ConfigReplication, ConfigReplicationOptions, PushStatus } from './config-replication.ts';
export { haConfigPush } from './commands.ts';
export type { ConfigPushArgs } from './commands.ts';
// --- end helper R ---
