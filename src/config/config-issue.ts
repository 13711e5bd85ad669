/** One problem found in a config file, with the JSON path of the value it is about. */
export type ConfigIssue = {
  /** `Dhcp4.subnet4[0].pools[1].pool`; empty for the file as a whole (e.g. a syntax error). */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  line?: number;
  column?: number;
  /** The file the position refers to (the main file, or an included one). */
  source?: string;
};

/** A config was refused. `issues` holds every problem found, not only the first. */
export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG_INVALID';
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], options?: { cause?: unknown }) {
    const errors = issues.filter((i) => i.severity === 'error');
    const head = `invalid configuration: ${errors.length} error${errors.length === 1 ? '' : 's'}`;
    super([head, ...issues.map(formatConfigIssue)].join('\n'), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** `error: Dhcp4.subnet4[0].pools[1].pool: pool … is outside subnet … (tandem.json:14:19)` */
export function formatConfigIssue(i: ConfigIssue): string {
  const where = i.path === '' ? '' : `${i.path}: `;
  let at = '';
  if (i.line !== undefined) {
    const col = i.column !== undefined ? `:${i.column}` : '';
    at = ` (${i.source ?? '<config>'}:${i.line}${col})`;
  } else if (i.source !== undefined) {
    at = ` (${i.source})`;
  }
  return `${i.severity}: ${where}${i.message}${at}`;
}

/** Errors before warnings; within each, by position (main file first, then includes), else as found. */
export function sortIssues(issues: readonly ConfigIssue[], mainSource?: string): ConfigIssue[] {
  const key = (i: ConfigIssue): number[] => [
    i.severity === 'error' ? 0 : 1,
    i.line === undefined ? 2 : i.source === mainSource ? 0 : 1,
    i.line ?? 0,
    i.column ?? 0,
  ];
  return issues
    .map((issue, index) => ({ k: [...key(issue), index], issue }))
    .sort((a, b) => {
      for (let j = 0; j < a.k.length; j++) if (a.k[j] !== b.k[j]) return a.k[j]! - b.k[j]!;
      return 0;
    })
    .map((x) => x.issue);
}
