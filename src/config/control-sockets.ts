import { isIP } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ControlClient, ControlSocketSpec, ControlTls } from '../model/index.ts';
import { childPath } from './jsonc.ts';
import { elementReader } from './reader.ts';
import type { ObjectReader } from './reader.ts';
import { AUTH_CLIENT_KEYS, AUTHENTICATION_KEYS, checkKeys, CONTROL_SOCKET_KEYS } from './schema.ts';

export const DEFAULT_CONTROL_SOCKET = 'tandem4-ctrl.sock';
export const DEFAULT_HTTP_ADDRESS = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 8000;
export const DEFAULT_REALM = 'tandem';
/** sun_path holds 108 bytes including the terminating NUL. */
const MAX_UNIX_PATH = 107;

export type ControlSocketsOptions = {
  /** The lease journal's path: the default socket goes in its directory, so each instance has its own. */
  readonly leaseFile: string;
  /** Relative socket names, certificate paths and the credentials directory resolve against this. */
  readonly baseDir: string | undefined;
  /** Reads a credentials file (`user-file`, `password-file`); absent when the caller has no file access. */
  readonly readFile: ((path: string) => string) | undefined;
};

/**
 * `control-socket` (Kea 2.2: one Unix socket) and `control-sockets` (a list of unix, http and https
 * listeners). Neither: one Unix socket beside the lease file.
 */
export function readControlSockets(dhcp4: ObjectReader, o: ControlSocketsOptions): ControlSocketSpec[] {
  const baseDir = o.baseDir ?? '.';
  if (dhcp4.has('control-socket') && dhcp4.has('control-sockets')) {
    dhcp4.c.error(dhcp4.at('control-sockets'), `use either 'control-socket' or 'control-sockets', not both`, 'key');
    return [];
  }
  const out: Array<{ spec: ControlSocketSpec; path: string }> = [];
  const single = dhcp4.map('control-socket');
  if (single !== undefined) {
    const spec = readSocket(single, baseDir, o);
    if (spec !== undefined) out.push({ spec, path: single.path });
  }
  const list = dhcp4.list('control-sockets');
  list?.forEach((v, i) => {
    const r = elementReader(v, childPath(dhcp4.at('control-sockets'), i), dhcp4.c, 'a control socket');
    const spec = r === undefined ? undefined : readSocket(r, baseDir, o);
    if (spec !== undefined && r !== undefined) out.push({ spec, path: r.path });
  });
  if (!dhcp4.has('control-socket') && !dhcp4.has('control-sockets')) {
    const path = resolve(dirname(o.leaseFile), DEFAULT_CONTROL_SOCKET);
    if (Buffer.byteLength(path) > MAX_UNIX_PATH) {
      dhcp4.c.error(dhcp4.path, `the default control socket ${path} is longer than ${MAX_UNIX_PATH} bytes; set 'control-socket' to a shorter path`);
      return [];
    }
    return [{ type: 'unix', path }];
  }
  checkDuplicates(out, dhcp4);
  return out.map((x) => x.spec);
}

function checkDuplicates(specs: ReadonlyArray<{ spec: ControlSocketSpec; path: string }>, dhcp4: ObjectReader): void {
  const seen = new Map<string, string>();
  for (const { spec, path } of specs) {
    const key = spec.type === 'unix' ? `unix:${spec.path}` : spec.port === 0 ? null : `tcp:${spec.address}:${spec.port}`;
    if (key === null) continue;
    const prev = seen.get(key);
    if (prev !== undefined) dhcp4.c.error(path, `this control socket listens where ${prev} already does`);
    else seen.set(key, path);
  }
}

function readSocket(r: ObjectReader, baseDir: string, o: ControlSocketsOptions): ControlSocketSpec | undefined {
  checkKeys(r, CONTROL_SOCKET_KEYS);
  r.annotations();
  const type = r.str('socket-type');
  if (type === undefined) {
    if (!r.has('socket-type')) r.c.error(r.path, `'socket-type' is required ('unix', 'http' or 'https')`);
    return undefined;
  }
  if (type === 'unix') return readUnix(r, baseDir);
  if (type === 'http' || type === 'https') return readHttp(r, type, baseDir, o);
  r.c.error(r.at('socket-type'), `unknown socket type '${type}' (expected 'unix', 'http' or 'https')`);
  return undefined;
}

function readUnix(r: ObjectReader, baseDir: string): ControlSocketSpec | undefined {
  for (const key of ['socket-address', 'socket-port', 'authentication', 'trust-anchor', 'cert-file', 'key-file', 'cert-required']) {
    if (r.has(key)) r.c.error(r.at(key), `'${key}' applies to http and https sockets, not to a Unix socket`, 'key');
  }
  const name = r.str('socket-name');
  if (name === undefined) {
    if (!r.has('socket-name')) r.c.error(r.path, `'socket-name' is required for a Unix socket`);
    return undefined;
  }
  if (name === '') {
    r.c.error(r.at('socket-name'), `must not be empty`);
    return undefined;
  }
  const path = isAbsolute(name) ? name : resolve(baseDir, name);
  if (Buffer.byteLength(path) > MAX_UNIX_PATH) {
    r.c.error(r.at('socket-name'), `${path} is longer than ${MAX_UNIX_PATH} bytes, the limit for a Unix socket path`);
    return undefined;
  }
  return { type: 'unix', path };
}

function readHttp(r: ObjectReader, type: 'http' | 'https', baseDir: string, o: ControlSocketsOptions): ControlSocketSpec | undefined {
  if (r.has('socket-name')) r.c.error(r.at('socket-name'), `'socket-name' applies to Unix sockets; use 'socket-address' and 'socket-port'`, 'key');
  const address = r.str('socket-address') ?? DEFAULT_HTTP_ADDRESS;
  const addressOk = isIP(address) !== 0;
  if (!addressOk) r.c.error(r.at('socket-address'), `'${address}' is not an IPv4 or IPv6 address`);
  const port = r.int('socket-port', 0, 65535) ?? DEFAULT_HTTP_PORT;
  const auth = readAuthentication(r, baseDir, o);
  const tls = readTls(r, type, baseDir);
  if (auth === undefined || tls === undefined || !addressOk) return undefined;
  const clientCerts = tls !== null && tls.trustAnchor !== null && tls.certRequired;
  if (!isLoopback(address) && auth === null && !clientCerts) {
    r.c.error(r.has('socket-address') ? r.at('socket-address') : r.path,
      `remote control access needs authentication: add 'authentication' (or, with https, 'trust-anchor' and client certificates), or listen on 127.0.0.1`);
    return undefined;
  }
  return { type, address, port, auth, tls };
}

export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

function readTls(r: ObjectReader, type: 'http' | 'https', baseDir: string): ControlTls | null | undefined {
  const file = (key: string) => {
    const v = r.str(key);
    if (v === '') r.c.error(r.at(key), `must not be empty`);
    return v === undefined || v === '' ? undefined : (isAbsolute(v) ? v : resolve(baseDir, v));
  };
  const trustAnchor = file('trust-anchor');
  const certFile = file('cert-file');
  const keyFile = file('key-file');
  const certRequired = r.bool('cert-required');
  if (type === 'http') {
    for (const key of ['trust-anchor', 'cert-file', 'key-file', 'cert-required']) {
      if (r.has(key)) r.c.error(r.at(key), `TLS settings need socket-type 'https'`, 'key');
    }
    return null;
  }
  let ok = true;
  for (const [key, v] of [['cert-file', certFile], ['key-file', keyFile]] as const) {
    if (v === undefined && !r.has(key)) {
      r.c.error(r.path, `'${key}' is required for an https socket`);
      ok = false;
    }
  }
  if (certRequired === true && trustAnchor === undefined && !r.has('trust-anchor')) {
    r.c.error(r.at('cert-required'), `client certificates can only be required with a 'trust-anchor' to check them against`);
    ok = false;
  }
  if (!ok || certFile === undefined || keyFile === undefined) return undefined;
  return {
    certFile, keyFile, trustAnchor: trustAnchor ?? null,
    certRequired: trustAnchor === undefined ? false : (certRequired ?? true),
  };
}

function readAuthentication(r: ObjectReader, baseDir: string, o: ControlSocketsOptions): { realm: string; clients: ControlClient[] } | null | undefined {
  if (!r.has('authentication')) return null;
  const a = r.map('authentication');
  if (a === undefined) return undefined;
  checkKeys(a, AUTHENTICATION_KEYS);
  a.annotations();
  const type = a.str('type');
  if (type === undefined && !a.has('type')) a.c.error(a.path, `'type' is required in authentication ('basic')`);
  else if (type !== undefined && type !== 'basic') a.c.error(a.at('type'), `only 'basic' authentication is supported, not '${type}'`);
  const realm = a.str('realm') ?? DEFAULT_REALM;
  if (/["\\\r\n]/.test(realm)) a.c.error(a.at('realm'), `must not contain quotes, backslashes or line breaks`);
  const dirValue = a.str('directory');
  const directory = dirValue === undefined ? baseDir : isAbsolute(dirValue) ? dirValue : resolve(baseDir, dirValue);
  const clients: ControlClient[] = [];
  const list = a.list('clients');
  list?.forEach((v, i) => {
    const cr = elementReader(v, childPath(a.at('clients'), i), a.c, 'an authentication client');
    const client = cr === undefined ? undefined : readClient(cr, directory, o);
    if (client !== undefined) clients.push(client);
  });
  if (list === undefined && !a.has('clients')) {
    a.c.error(a.path, `'clients' is required: list at least one user (a listener with no users would let anyone in)`);
  } else if (list !== undefined && list.length === 0) {
    a.c.error(a.at('clients'), `list at least one user (a listener with no users would let anyone in)`);
  }
  const users = new Set<string>();
  clients.forEach((c, i) => {
    if (users.has(c.user)) a.c.error(childPath(a.at('clients'), i), `user '${c.user}' is listed twice`);
    users.add(c.user);
  });
  return { realm, clients };
}

function readClient(r: ObjectReader, directory: string, o: ControlSocketsOptions): ControlClient | undefined {
  checkKeys(r, AUTH_CLIENT_KEYS);
  r.annotations();
  const readSecret = (key: 'user-file' | 'password-file'): string | undefined => {
    const name = r.str(key);
    if (name === undefined) return undefined;
    const path = isAbsolute(name) ? name : resolve(directory, name);
    if (o.readFile === undefined) {
      r.c.error(r.at(key), `cannot read ${path} here (no file access)`);
      return undefined;
    }
    try {
      return o.readFile(path).trim();
    } catch (e) {
      r.c.error(r.at(key), `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  for (const [a, b] of [['user', 'user-file'], ['password', 'password-file']] as const) {
    if (r.has(a) && r.has(b)) {
      r.c.error(r.at(b), `'${a}' and '${b}' are mutually exclusive`, 'key');
      return undefined;
    }
  }
  const hasUser = r.has('user') || r.has('user-file');
  if (!hasUser && !r.has('password-file')) {
    r.c.error(r.path, `'user' (or 'user-file') is required`);
    return undefined;
  }
  let user = r.has('user') ? r.str('user') : readSecret('user-file');
  let password: string | undefined = r.has('password') ? r.str('password') : r.has('password-file') ? readSecret('password-file') : '';
  if (!hasUser && password !== undefined) {
    // A password file alone holds `user:password`.
    const colon = password.indexOf(':');
    if (colon < 0) {
      r.c.error(r.at('password-file'), `without 'user' the password file must hold 'user:password'`);
      return undefined;
    }
    user = password.slice(0, colon);
    password = password.slice(colon + 1);
  }
  if (user === undefined || password === undefined) return undefined;
  const userAt = r.has('user') ? r.at('user') : r.has('user-file') ? r.at('user-file') : r.at('password-file');
  if (user === '') {
    r.c.error(userAt, `the user name must not be empty`);
    return undefined;
  }
  if (user.includes(':')) {
    r.c.error(userAt, `the user name must not contain ':'`);
    return undefined;
  }
  if (password === '') r.c.warn(r.path, `user '${user}' has an empty password`);
  return { user, password };
}

