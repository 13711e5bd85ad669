import { formatIp4, inPrefix } from '../../util/index.ts';
import type { Ip4 } from '../../util/index.ts';
import type { Config4, Lease4, LeaseState, Subnet4 } from '../../model/index.ts';
import { bool, hex, ipv4, obj, oneOf, str, uint } from '../args.ts';
import type { ArgProblem, Infer } from '../args.ts';

/** A lease as lease4-add/-update take it (Kea's lease JSON; `subnet-id`, `valid-lft`, `cltt`/`expire` optional). */
export const leaseArgs = obj({
  required: { 'ip-address': ipv4(), 'hw-address': hex({ min: 0, max: 20 }) },
  optional: {
    'subnet-id': uint({ min: 1 }),
    'client-id': hex({ min: 1, max: 255 }),
    'valid-lft': uint(),
    cltt: uint(),
    expire: uint(),
    hostname: str({ max: 255 }),
    state: oneOf([0, 1, 2]),
    'fqdn-fwd': bool(),
    'fqdn-rev': bool(),
    'force-create': bool(),
    origin: str(),
  },
  refine: (v, path): ArgProblem[] =>
    v.expire !== undefined && v.cltt === undefined && v['valid-lft'] !== undefined && v.expire < v['valid-lft']
      ? [{ path: `${path}.expire`, message: 'expected a time at least valid-lft seconds after the epoch' }]
      : [],
});
export type LeaseArgs = Infer<typeof leaseArgs>;

const STATES: readonly LeaseState[] = ['default', 'declined', 'expired-reclaimed'];

export function subnetContaining(config: Config4, address: Ip4): Subnet4 | undefined {
  return config.subnets.find((s) => inPrefix(address, s.network, s.prefixLength));
}

/**
 * Turns checked lease arguments into a Lease4 as Kea's lease parser does: the subnet is the one
 * named, or the one containing the address; valid-lft defaults to the subnet's; cltt is given,
 * or expire − valid-lft, or now.
 */
export function leaseFromArgs(a: LeaseArgs, config: Config4, now: number): { lease: Lease4 } | { error: string } {
  const address = a['ip-address'];
  const text = formatIp4(address);
  let subnet: Subnet4 | undefined;
  if (a['subnet-id'] !== undefined) {
    const id = a['subnet-id'];
    subnet = config.subnets.find((s) => s.id === id);
    if (subnet === undefined) return { error: `Invalid subnet-id: No IPv4 subnet with subnet-id=${id} currently configured.` };
    if (!inPrefix(address, subnet.network, subnet.prefixLength)) {
      return { error: `The address ${text} does not belong to subnet ${formatIp4(subnet.network)}/${subnet.prefixLength}, subnet-id=${id}` };
    }
  } else {
    subnet = subnetContaining(config, address);
    if (subnet === undefined) return { error: `subnet-id not specified and failed to find a subnet for address ${text}` };
  }
  const validLifetime = a['valid-lft'] ?? subnet.validLifetime.default;
  let cltt: number;
  if (a.cltt !== undefined) cltt = a.cltt;
  else if (a.expire !== undefined) {
    if (a.expire < validLifetime) return { error: `expire (${a.expire}) is earlier than valid-lft (${validLifetime}) after the epoch` };
    cltt = a.expire - validLifetime;
  } else cltt = Math.floor(now);
  return {
    lease: {
      address, hwAddress: a['hw-address'], clientId: a['client-id'] ?? null, subnetId: subnet.id,
      cltt, validLifetime, hostname: a.hostname ?? '', state: STATES[a.state ?? 0] ?? 'default',
    },
  };
}

/** lease4-get / lease4-del: by `ip-address`, or by `identifier-type` + `identifier` + `subnet-id`. */
export const leaseKeyArgs = obj({
  optional: {
    'ip-address': ipv4(),
    'identifier-type': oneOf(['hw-address', 'client-id']),
    identifier: hex({ min: 1, max: 255 }),
    'subnet-id': uint(),
  },
  refine: (v, path): ArgProblem[] => {
    if (v['ip-address'] !== undefined) return [];
    const missing = (['identifier-type', 'identifier', 'subnet-id'] as const).filter((k) => v[k] === undefined);
    if (missing.length === 3) return [{ path, message: 'expected ip-address, or identifier-type + identifier + subnet-id' }];
    return missing.map((k) => ({ path: `${path}.${k}`, message: 'required when ip-address is not given' }));
  },
});
export type LeaseKeyArgs = Infer<typeof leaseKeyArgs>;
