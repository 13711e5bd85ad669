import { dirname, isAbsolute, join } from 'node:path';
import { DEFAULT_DATA_DIR, loadConfig4File } from '../config/index.ts';
import type { Config4 } from '../model/index.ts';
import type { ControlTarget } from './control-client.ts';

/** The Unix socket a server listens on when its config names none: beside its lease file. */
export const DEFAULT_SOCKET_NAME = 'tandem4-ctrl.sock';

/**
 * Where the server run with `configPath` can be reached: its first Unix control socket, else its
 * first HTTP(S) one, else the default socket `<lease file dir>/tandem4-ctrl.sock`. For an HTTP socket
 * with basic authentication, the first client's user and password (inline or from its file) are used,
 * since whoever can read the config can read them anyway.
 */
export async function resolveControlTarget(configPath: string): Promise<ControlTarget> {
  const config = await loadConfig4File(configPath);
  return controlTargetOf(config);
}

/** As resolveControlTarget, for a config already loaded. */
export function controlTargetOf(config: Config4): ControlTarget {
  const specs = config.controlSockets;
  const unix = specs.find((s) => s.type === 'unix');
  if (unix !== undefined) return { socket: unix.path };
  const http = specs.find((s) => s.type !== 'unix');
  if (http !== undefined) {
    let host = http.address;
    if (host === '0.0.0.0') host = '127.0.0.1';
    if (host === '::') host = '::1';
    const url = `${http.type}://${host.includes(':') ? `[${host}]` : host}:${http.port}/`;
    const target: { url: string; user?: string; password?: string; ca?: string } = { url };
    const first = http.auth?.clients[0];
    if (first !== undefined) {
      target.user = first.user;
      target.password = first.password;
    }
    if (http.tls?.trustAnchor != null) target.ca = http.tls.trustAnchor;
    return target;
  }
  const lease = config.leaseDatabase.name;
  const leasePath = isAbsolute(lease) ? lease : join(DEFAULT_DATA_DIR, lease);
  return { socket: join(dirname(leasePath), DEFAULT_SOCKET_NAME) };
}
