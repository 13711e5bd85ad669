// DHCPv4 option definitions: Kea 2.2's names and data types (std_option_defs.h at tag Kea-2.2.0),
// plus two rows Kea 2.2 does not define as standard options:
//   43  vendor-encapsulated-options: Kea's last-resort definition (empty, encapsulates a space)
//   121 classless-static-route: no definition in 2.2 (Kea ≥ 2.5 adds one with this name); tandem
//       parses it itself: hex, or the "10.0.0.0/8 - 10.0.0.1, ..." text form.

export type OptionType4 =
  | 'empty' | 'binary' | 'boolean' | 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32'
  | 'ipv4-address' | 'ipv6-address' | 'string' | 'fqdn' | 'psid' | 'record' | 'internal';

export type OptionDef4 = {
  code: number;
  name: string;
  type: OptionType4;
  array: boolean;
  recordTypes?: OptionType4[];
  /** Option space whose options this one carries (Kea's `encapsulate`). */
  encapsulate?: string;
};

type Row = [code: number, name: string, type: OptionType4, array: boolean, recordTypes?: OptionType4[]];

const ROWS: Row[] = [
  [1, 'subnet-mask', 'ipv4-address', false],
  [2, 'time-offset', 'int32', false],
  [3, 'routers', 'ipv4-address', true],
  [4, 'time-servers', 'ipv4-address', true],
  [5, 'name-servers', 'ipv4-address', true],
  [6, 'domain-name-servers', 'ipv4-address', true],
  [7, 'log-servers', 'ipv4-address', true],
  [8, 'cookie-servers', 'ipv4-address', true],
  [9, 'lpr-servers', 'ipv4-address', true],
  [10, 'impress-servers', 'ipv4-address', true],
  [11, 'resource-location-servers', 'ipv4-address', true],
  [12, 'host-name', 'string', false],
  [13, 'boot-size', 'uint16', false],
  [14, 'merit-dump', 'string', false],
  [15, 'domain-name', 'string', false],
  [16, 'swap-server', 'ipv4-address', false],
  [17, 'root-path', 'string', false],
  [18, 'extensions-path', 'string', false],
  [19, 'ip-forwarding', 'boolean', false],
  [20, 'non-local-source-routing', 'boolean', false],
  [21, 'policy-filter', 'ipv4-address', true],
  [22, 'max-dgram-reassembly', 'uint16', false],
  [23, 'default-ip-ttl', 'uint8', false],
  [24, 'path-mtu-aging-timeout', 'uint32', false],
  [25, 'path-mtu-plateau-table', 'uint16', true],
  [26, 'interface-mtu', 'uint16', false],
  [27, 'all-subnets-local', 'boolean', false],
  [28, 'broadcast-address', 'ipv4-address', false],
  [29, 'perform-mask-discovery', 'boolean', false],
  [30, 'mask-supplier', 'boolean', false],
  [31, 'router-discovery', 'boolean', false],
  [32, 'router-solicitation-address', 'ipv4-address', false],
  [33, 'static-routes', 'ipv4-address', true],
  [34, 'trailer-encapsulation', 'boolean', false],
  [35, 'arp-cache-timeout', 'uint32', false],
  [36, 'ieee802-3-encapsulation', 'boolean', false],
  [37, 'default-tcp-ttl', 'uint8', false],
  [38, 'tcp-keepalive-interval', 'uint32', false],
  [39, 'tcp-keepalive-garbage', 'boolean', false],
  [40, 'nis-domain', 'string', false],
  [41, 'nis-servers', 'ipv4-address', true],
  [42, 'ntp-servers', 'ipv4-address', true],
  [44, 'netbios-name-servers', 'ipv4-address', true],
  [45, 'netbios-dd-server', 'ipv4-address', true],
  [46, 'netbios-node-type', 'uint8', false],
  [47, 'netbios-scope', 'string', false],
  [48, 'font-servers', 'ipv4-address', true],
  [49, 'x-display-manager', 'ipv4-address', true],
  [50, 'dhcp-requested-address', 'ipv4-address', false],
  [51, 'dhcp-lease-time', 'uint32', false],
  [52, 'dhcp-option-overload', 'uint8', false],
  [53, 'dhcp-message-type', 'uint8', false],
  [54, 'dhcp-server-identifier', 'ipv4-address', false],
  [55, 'dhcp-parameter-request-list', 'uint8', true],
  [56, 'dhcp-message', 'string', false],
  [57, 'dhcp-max-message-size', 'uint16', false],
  [58, 'dhcp-renewal-time', 'uint32', false],
  [59, 'dhcp-rebinding-time', 'uint32', false],
  [60, 'vendor-class-identifier', 'string', false],
  [61, 'dhcp-client-identifier', 'binary', false],
  [62, 'nwip-domain-name', 'string', false],
  [63, 'nwip-suboptions', 'binary', false],
  [64, 'nisplus-domain-name', 'string', false],
  [65, 'nisplus-servers', 'ipv4-address', true],
  [66, 'tftp-server-name', 'string', false],
  [67, 'boot-file-name', 'string', false],
  [68, 'mobile-ip-home-agent', 'ipv4-address', true],
  [69, 'smtp-server', 'ipv4-address', true],
  [70, 'pop-server', 'ipv4-address', true],
  [71, 'nntp-server', 'ipv4-address', true],
  [72, 'www-server', 'ipv4-address', true],
  [73, 'finger-server', 'ipv4-address', true],
  [74, 'irc-server', 'ipv4-address', true],
  [75, 'streettalk-server', 'ipv4-address', true],
  [76, 'streettalk-directory-assistance-server', 'ipv4-address', true],
  [77, 'user-class', 'binary', false],
  [78, 'slp-directory-agent', 'record', true, ['boolean', 'ipv4-address']],
  [79, 'slp-service-scope', 'record', false, ['boolean', 'string']],
  [81, 'fqdn', 'record', false, ['uint8', 'uint8', 'uint8', 'fqdn']],
  [82, 'dhcp-agent-options', 'empty', false],
  [43, 'vendor-encapsulated-options', 'empty', false],
  [121, 'classless-static-route', 'internal', false],
  [85, 'nds-servers', 'ipv4-address', true],
  [86, 'nds-tree-name', 'string', false],
  [87, 'nds-context', 'string', false],
  [88, 'bcms-controller-names', 'fqdn', true],
  [89, 'bcms-controller-address', 'ipv4-address', true],
  [90, 'authenticate', 'binary', false],
  [91, 'client-last-transaction-time', 'uint32', false],
  [92, 'associated-ip', 'ipv4-address', true],
  [93, 'client-system', 'uint16', true],
  [94, 'client-ndi', 'record', false, ['uint8', 'uint8', 'uint8']],
  [97, 'uuid-guid', 'record', false, ['uint8', 'binary']],
  [98, 'uap-servers', 'string', false],
  [99, 'geoconf-civic', 'binary', false],
  [100, 'pcode', 'string', false],
  [101, 'tcode', 'string', false],
  [108, 'v6-only-preferred', 'uint32', false],
  [112, 'netinfo-server-address', 'ipv4-address', true],
  [113, 'netinfo-server-tag', 'string', false],
  [114, 'v4-captive-portal', 'string', false],
  [116, 'auto-config', 'uint8', false],
  [117, 'name-service-search', 'uint16', true],
  [118, 'subnet-selection', 'ipv4-address', false],
  [119, 'domain-search', 'fqdn', true],
  [124, 'vivco-suboptions', 'record', false, ['uint32', 'binary']],
  [125, 'vivso-suboptions', 'uint32', false],
  [136, 'pana-agent', 'ipv4-address', true],
  [137, 'v4-lost', 'fqdn', false],
  [138, 'capwap-ac-v4', 'ipv4-address', true],
  [141, 'sip-ua-cs-domains', 'fqdn', true],
  [146, 'rdnss-selection', 'record', true, ['uint8', 'ipv4-address', 'ipv4-address', 'fqdn']],
  [159, 'v4-portparams', 'record', false, ['uint8', 'psid']],
  [212, 'option-6rd', 'record', true, ['uint8', 'uint8', 'ipv6-address', 'ipv4-address']],
  [213, 'v4-access-domain', 'fqdn', false],
];

const ENCAPSULATES: Record<number, string> = { 43: 'vendor-encapsulated-options-space', 82: 'dhcp-agent-options-space' };

function toDef([code, name, type, array, recordTypes]: Row): OptionDef4 {
  const def: OptionDef4 = { code, name, type, array };
  if (recordTypes !== undefined) def.recordTypes = Object.freeze([...recordTypes]) as OptionType4[];
  const space = ENCAPSULATES[code];
  if (space !== undefined) def.encapsulate = space;
  return Object.freeze(def);
}

/** Sorted by code. */
export const OPTION_DEFS4: readonly OptionDef4[] = Object.freeze(ROWS.map(toDef).sort((a, b) => a.code - b.code));

const BY_CODE = new Map<number, OptionDef4>(OPTION_DEFS4.map((d) => [d.code, d]));
const BY_NAME = new Map<string, OptionDef4>(OPTION_DEFS4.map((d) => [d.name, d]));

/** By Kea name ('domain-name-servers') or by code (6, or '6'). */
export function findOptionDef4(nameOrCode: string | number): OptionDef4 | undefined {
  if (typeof nameOrCode === 'number') return BY_CODE.get(nameOrCode);
  if (/^[0-9]+$/.test(nameOrCode)) return BY_CODE.get(Number(nameOrCode));
  return BY_NAME.get(nameOrCode);
}
