export { CodecError, CodecErrorCode } from './codec-error.ts';
export { ByteReader } from './byte-reader.ts';
export { ByteWriter } from './byte-writer.ts';
