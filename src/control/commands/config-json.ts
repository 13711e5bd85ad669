import { formatIp4, parseIp4, prefixMask } from '../../util/index.ts';
import { isPlainObject } from '../args.ts';

/** A subnet entry of the config JSON, with where it sits (`Dhcp4.subnet4[2]`). */
export type SubnetEntry = { readonly json: Record<string, unknown>; readonly path: string };

/** A deep copy of `{"Dhcp4": …}` to edit, and its subnet entries. */
export function editableConfig(configJson: unknown): { root: Record<string, unknown>; subnets: SubnetEntry[] } {
  const root = isPlainObject(configJson) ? structuredClone(configJson) : { Dhcp4: {} };
  if (!isPlainObject(root['Dhcp4'])) root['Dhcp4'] = {};
  const dhcp4 = root['Dhcp4'] as Record<string, unknown>;
  const subnets: SubnetEntry[] = [];
  const list = dhcp4['subnet4'];
  if (Array.isArray(list)) list.forEach((s, i) => { if (isPlainObject(s)) subnets.push({ json: s, path: `Dhcp4.subnet4[${i}]` }); });
  const shared = dhcp4['shared-networks'];
  if (Array.isArray(shared)) shared.forEach((n, i) => {
    if (isPlainObject(n) && Array.isArray(n['subnet4'])) {
      n['subnet4'].forEach((s, j) => { if (isPlainObject(s)) subnets.push({ json: s, path: `Dhcp4.shared-networks[${i}].subnet4[${j}]` }); });
    }
  });
  return { root, subnets };
}

/** `10.0.0.0/24` with its host bits cleared, or null when not a prefix. */
export function normalisePrefix(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const m = /^\s*([0-9.]+)\s*\/\s*(\d{1,2})\s*$/.exec(text);
  if (m === null) return null;
  const address = parseIp4(m[1]!);
  const length = Number(m[2]);
  if (address === null || length > 32) return null;
  const network = (address & prefixMask(length)) >>> 0;
  return `${formatIp4(network)}/${length}`;
}
