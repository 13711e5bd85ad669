// The codec's public surface: DHCPv4 wire format, bytes ⇄ typed messages. Pure: no I/O, clock or logger.
export { CodecError, CodecErrorCode } from './bytes/index.ts';
export { MessageType4, MESSAGE_TYPE_NAMES4, BootOp, Opt4, RelaySubOpt4, HEADER4 } from './v4/constants4.ts';
export { Options4 } from './v4/options4.ts';
export type { Message4 } from './v4/message4.ts';
export { decodeMessage4, encodeMessage4, encodeMessage4Into, message4EncodingLength, createMessage4 } from './v4/message4.ts';
export {
  getMessageType4, getIp4Option, getUint32Option, getUint16Option, getStringOption, getParameterRequestList,
} from './v4/accessors4.ts';
export type { RelaySubOption4 } from './v4/relay-agent-info.ts';
export { decodeRelayAgentInfo, encodeRelayAgentInfo } from './v4/relay-agent-info.ts';
export type { ClientFqdn } from './v4/fqdn.ts';
export { decodeClientFqdn, encodeClientFqdn, FqdnFlags } from './v4/fqdn.ts';
export { decodeDomainSearch, encodeDomainSearch } from './v4/domain-search.ts';
export type { StaticRoute4 } from './v4/classless-routes.ts';
export { decodeClasslessRoutes, encodeClasslessRoutes } from './v4/classless-routes.ts';
export type { OptionType4, OptionDef4 } from './v4/option-defs4.ts';
export { OPTION_DEFS4, findOptionDef4 } from './v4/option-defs4.ts';
export { encodeOptionData4, formatOptionData4 } from './v4/option-data4.ts';
