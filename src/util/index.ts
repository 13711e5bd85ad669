export type { Ip4 } from './ip4.ts';
export { parseIp4, formatIp4, prefixMask, inPrefix, readIp4, writeIp4 } from './ip4.ts';
export { formatHex, parseHex } from './hex.ts';
export { assertNever } from './assert-never.ts';
export type { Clock } from './clock.ts';
export { systemClock } from './clock.ts';
