export { MESSAGES, messageLevel } from './messages.ts';
export type { MessageId, Level } from './messages.ts';
export { createLogger, createMemoryLogger } from './logger.ts';
export type { Logger, LogFields, LogFormat, LoggerOptions } from './logger.ts';
export { createStats } from './stats.ts';
export type { Stats } from './stats.ts';
export { createHistogram, STORE_WRITE_BUCKETS } from './histogram.ts';
export type { Histogram, HistogramSnapshot } from './histogram.ts';
