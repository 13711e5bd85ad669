import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.ts';
import { UsageError } from './cli-io.ts';
import { call, callOk, CommandFailed, resolveTarget, TARGET_OPTIONS } from './control-target.ts';
import { formatTable, plural } from './table.ts';
import { subnetList } from './subnet-list.ts';

type Host = Record<string, unknown>;

/**
 * `tandem reservations list [--subnet N]`, `tandem reservations add --subnet N --mac M|--client-id C
 * --ip A [--hostname H] [--persist]`, `tandem reservations del --subnet N (--ip A | --mac M | --client-id C)
 * [--persist]`: reservation-get-all / reservation-add / reservation-del. Without --persist a change lives
 * in the running config only; with it the server also writes its config file (which drops comments).
 */
export async function runReservations(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...TARGET_OPTIONS,
      subnet: { type: 'string' }, mac: { type: 'string' }, 'client-id': { type: 'string' },
      ip: { type: 'string' }, hostname: { type: 'string' }, persist: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const [action = 'list', ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  const subnet = values.subnet === undefined ? undefined : Number(values.subnet);
  if (subnet !== undefined && !(Number.isInteger(subnet) && subnet > 0)) throw new UsageError(`--subnet: expected a subnet id, got '${values.subnet}'`);
  if (values.mac !== undefined && values['client-id'] !== undefined) throw new UsageError('give --mac or --client-id, not both');
  const identifier: Host = values.mac !== undefined ? { 'hw-address': values.mac }
    : values['client-id'] !== undefined ? { 'client-id': values['client-id'] } : {};
  const connect = async () => {
    const { target, timeoutMs } = await resolveTarget(values);
    return io.connect(target, timeoutMs);
  };
  switch (action) {
    case 'list': {
      const client = await connect();
      const ids = subnet !== undefined ? [subnet] : (await subnetList(client)).map((x) => x.id);
      const hosts: Host[] = [];
      for (const id of ids) {
        const r = await callOk(client, 'reservation-get-all', { 'subnet-id': id }, true);
        const list = r.arguments?.['hosts'];
        if (Array.isArray(list)) for (const h of list as Host[]) hosts.push({ 'subnet-id': id, ...h });
      }
      if (values.json) {
        io.out(JSON.stringify(hosts, null, 2) + '\n');
        return 0;
      }
      const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
      io.out(formatTable(['subnet', 'ip-address', 'hw-address', 'client-id', 'hostname'],
        hosts.map((h) => [s(h['subnet-id']), s(h['ip-address']), s(h['hw-address']), s(h['client-id']), s(h['hostname'])])));
      io.out(`${plural(hosts.length, 'reservation')}\n`);
      return 0;
    }
    case 'add': {
      if (subnet === undefined || values.ip === undefined || Object.keys(identifier).length === 0) {
        throw new UsageError("'tandem reservations add' needs --subnet, --ip and --mac or --client-id");
      }
      const reservation: Host = { 'subnet-id': subnet, ...identifier, 'ip-address': values.ip };
      if (values.hostname !== undefined) reservation['hostname'] = values.hostname;
      return persisted(io, values.persist, report(io, values.json,
        await call(await connect(), 'reservation-add', { reservation, ...(values.persist ? { persist: true } : {}) })));
    }
    case 'del': {
      if (subnet === undefined) throw new UsageError("'tandem reservations del' needs --subnet");
      const [type, value] = Object.entries(identifier)[0] ?? [];
      const args: Host = values.ip !== undefined ? { 'subnet-id': subnet, 'ip-address': values.ip }
        : type !== undefined ? { 'subnet-id': subnet, 'identifier-type': type, identifier: value } : {};
      if (Object.keys(args).length === 0) throw new UsageError("'tandem reservations del' needs --ip, --mac or --client-id");
      if (values.persist) args['persist'] = true;
      return persisted(io, values.persist, report(io, values.json, await call(await connect(), 'reservation-del', args)));
    }
    default:
      throw new UsageError("'tandem reservations' takes list, add or del");
  }
}

function report(io: CliIo, json: boolean | undefined, r: { result: number; text: string }): number {
  if (json) io.out(JSON.stringify(r, null, 2) + '\n');
  if (r.result === 0) {
    if (!json) io.out(`${r.text}\n`);
    return 0;
  }
  if (r.result === 3) {
    if (!json) io.err(`tandem: ${r.text}\n`);
    return 3;
  }
  if (json) return 1;
  throw new CommandFailed(r.text);
}

/** Says where a reservation change lives when it is not written to the config file. */
function persisted(io: CliIo, persist: boolean | undefined, code: number): number {
  if (code === 0 && persist !== true) {
    io.err('note: changed in the running configuration only; add --persist (or run `tandem ctl config-write`) to keep it across restarts\n');
  }
  return code;
}
