/**
 * The only error the codec throws. `code` is stable (ERR_CODEC_*), `offset` is the byte position in
 * the input where decoding failed (-1 when encoding or parsing text).
 */
export class CodecError extends Error {
  readonly code: string;
  readonly offset: number;

  constructor(code: string, message: string, offset = -1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CodecError';
    this.code = code;
    this.offset = offset;
  }
}

/** Stable error codes, one place. */
export const CodecErrorCode = {
  TRUNCATED: 'ERR_CODEC_TRUNCATED',
  TOO_SHORT: 'ERR_CODEC_TOO_SHORT',
  BAD_COOKIE: 'ERR_CODEC_BAD_COOKIE',
  BAD_HEADER: 'ERR_CODEC_BAD_HEADER',
  BAD_OPTION: 'ERR_CODEC_BAD_OPTION',
  BAD_NAME: 'ERR_CODEC_BAD_NAME',
  OPTION_VALUE: 'ERR_CODEC_OPTION_VALUE',
  TOO_LARGE: 'ERR_CODEC_TOO_LARGE',
} as const;
