export type { ConfigIssue } from './config-issue.ts';
export { ConfigError, formatConfigIssue } from './config-issue.ts';
export type { ParseConfig4Options, ParseConfig4Result } from './parse-config4.ts';
export { parseConfig4 } from './parse-config4.ts';
export { checkConfig4File, loadConfig4File } from './load-config4.ts';
export { DEFAULT_DATA_DIR } from './global-sections.ts';
