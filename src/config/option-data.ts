import { CodecError, encodeOptionData4, findOptionDef4 } from '../codec/index.ts';
import type { OptionValue4 } from '../model/index.ts';
import { checkKeys, OPTION_DATA_KEYS } from './schema.ts';
import { childPath } from './jsonc.ts';
import type { JsonValue } from './jsonc.ts';
import { elementReader } from './reader.ts';
import type { ObjectReader } from './reader.ts';

/** Options of one level (global, subnet, pool or reservation), keyed by code, in file order. */
export type OptionLevel = Map<number, OptionValue4>;

/**
 * Reads `option-data` of one level. Each entry names its option by `name` or `code` (both → they
 * must agree) and is encoded once here, so a bad value is a config error and never a runtime one.
 */
export function readOptionData(r: ObjectReader): OptionLevel {
  const out: OptionLevel = new Map();
  const list = r.list('option-data');
  if (list === undefined) return out;
  const listPath = r.at('option-data');
  list.forEach((entry: JsonValue, index) => {
    const path = childPath(listPath, index);
    const e = elementReader(entry, path, r.c, 'an option-data entry');
    if (e === undefined) return;
    checkKeys(e, OPTION_DATA_KEYS);
    e.annotations();
    const value = readOne(e);
    if (value === undefined) return;
    if (out.has(value.code)) {
      r.c.error(path, `option ${value.code} is set twice at this level`);
      return;
    }
    out.set(value.code, value);
  });
  return out;
}

function readOne(e: ObjectReader): OptionValue4 | undefined {
  const space = e.str('space');
  if (space !== undefined && space !== 'dhcp4') {
    e.c.error(e.at('space'), `option space '${space}' is not supported by tandem (only 'dhcp4')`);
    return undefined;
  }
  const name = e.str('name');
  const code = e.int('code', 0, 255);
  const data = e.str('data') ?? '';
  const csv = e.bool('csv-format') ?? true;
  const alwaysSend = e.bool('always-send') ?? false;
  if (name === undefined && code === undefined) {
    if (!e.has('name') && !e.has('code')) e.c.error(e.path, `an option-data entry needs a 'name' or a 'code'`);
    return undefined;
  }
  if (code !== undefined && (code === 0 || code === 255)) {
    e.c.error(e.at('code'), `option code ${code} is reserved (pad/end) and cannot be configured`);
    return undefined;
  }
  let def = undefined;
  if (name !== undefined) {
    def = findOptionDef4(name);
    if (def === undefined) {
      e.c.error(e.at('name'), `unknown option '${name}'`);
      return undefined;
    }
    if (code !== undefined && def.code !== code) {
      e.c.error(e.at('code'), `code ${code} does not match option '${name}' (code ${def.code})`);
      return undefined;
    }
  } else if (code !== undefined) {
    def = findOptionDef4(code);
  }
  const finalCode = def?.code ?? code!;
  try {
    const bytes = encodeOptionData4(def, data, csv);
    return { code: finalCode, data: bytes, alwaysSend };
  } catch (err) {
    if (err instanceof CodecError) {
      const named = err.message.includes(`option ${finalCode}`);
      e.c.error(e.at('data'), named ? err.message : `bad value for option ${finalCode}: ${err.message}`);
      return undefined;
    }
    throw err;
  }
}

/** Later levels override earlier ones, option by option. */
export function mergeOptions(...levels: ReadonlyMap<number, OptionValue4>[]): OptionLevel {
  const out: OptionLevel = new Map();
  for (const level of levels) for (const [code, value] of level) out.set(code, value);
  return out;
}
