// The e2e lab harness: real DHCP clients and servers across network namespaces this process creates.
export type { Ns, Lab, LabProcess, ExecResult, ExecOptions, VethOptions } from './netns.ts';
export { createLab, labSkipReason, haveCommand, LabError, run, delay, sweepStaleLabs } from './netns.ts';
export type { ServerKind, ServerHandle, KeaLease } from './servers.ts';
export { serverKind, serverSkipReason, startServer, parseKeaCsv, TANDEM_BIN, REPO_ROOT } from './servers.ts';
export type { ClientResult, ClientOptions, DhcpcdOptions, DhclientSession } from './clients.ts';
export { dhclient, dhclientStart, dhclientRelease, udhcpc, dhcpcd, fromNewVars } from './clients.ts';
export type { CapturedPacket, DhcpView } from './capture.ts';
export { capture, parsePcap, dhcpView, dhcpPackets, DHCP_MSG } from './capture.ts';
export type { LinkClient, LinkLab } from './builders.ts';
export { singleLinkLab, servedLinkLab, closeServedLink, e2eSkipReason, baseDhcp4, clientMac, ipInRange } from './builders.ts';
