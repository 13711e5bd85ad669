import type { InterfaceSpec, ReplyRoute4 } from '../model/index.ts';
import { TransportError } from './transport-error.ts';
import type { Inbound4, Link4, Transport4 } from './types.ts';

export type SentPacket4 = { readonly link: Link4; readonly data: Uint8Array; readonly route: ReplyRoute4 };

/** A socket-free Transport4 for pipeline and runtime tests. */
export interface FakeTransport4 extends Transport4 {
  /** Every packet passed to send(), in order (data is copied at send time). */
  readonly sent: readonly SentPacket4[];
  /** The interface list given last (by reconfigure). */
  readonly interfaces: readonly InterfaceSpec[];
  /** Delivers a packet to the started handler, as if it arrived on `p.link`. Throws if not started. */
  inject(p: Inbound4): void;
  /** Replaces the links the fake reports (an interface appears, goes or is renumbered). */
  setLinks(links: readonly Link4[]): void;
  /** Makes the next send() calls reject with this error (null: succeed again). */
  failSends(error: Error | null): void;
  /** Forgets recorded packets. */
  clearSent(): void;
}

export function createFakeTransport4(opts: { links?: readonly Link4[]; interfaces?: readonly InterfaceSpec[] } = {}): FakeTransport4 {
  let links: readonly Link4[] = opts.links ?? [];
  let interfaces: readonly InterfaceSpec[] = opts.interfaces ?? [];
  let handler: ((p: Inbound4) => void) | null = null;
  let sendError: Error | null = null;
  let closed = false;
  const sent: SentPacket4[] = [];

  return {
    get sent() {
      return sent;
    },
    get interfaces() {
      return interfaces;
    },
    async start(onPacket) {
      if (closed) throw new TransportError('ERR_TRANSPORT_CLOSED', 'transport is closed');
      handler = onPacket;
    },
    async send(link, data, route) {
      if (closed) throw new TransportError('ERR_TRANSPORT_CLOSED', 'transport is closed');
      if (!links.some((l) => l.ifname === link.ifname)) {
        throw new TransportError('ERR_TRANSPORT_LINK_DOWN', `${link.ifname}: no open socket`, { ifname: link.ifname });
      }
      if (sendError !== null) throw sendError;
      sent.push({ link, data: data.slice(), route });
    },
    links() {
      return links;
    },
    async reconfigure(next) {
      interfaces = next;
    },
    async close() {
      closed = true;
      handler = null;
    },
    inject(p) {
      if (handler === null) throw new Error('FakeTransport4.inject before start() or after close()');
      handler(p);
    },
    setLinks(next) {
      links = next;
    },
    failSends(error) {
      sendError = error;
    },
    clearSent() {
      sent.length = 0;
    },
  };
}
