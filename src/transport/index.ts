export type { Link4, Inbound4, Transport4, TransportLog, UdpTransport4Options } from './types.ts';
export { TransportError } from './transport-error.ts';
export type { TransportErrorCode } from './transport-error.ts';
export { createUdpTransport4 } from './udp-transport4.ts';
export { createFakeTransport4 } from './fake-transport4.ts';
export type { FakeTransport4, SentPacket4 } from './fake-transport4.ts';
