import { messageLevel, MESSAGES, type Level } from './messages.ts';

export type LogFields = Record<string, unknown>;
export type LogFormat = 'text' | 'json';

export interface Logger {
  /** Logs event `id` at its catalogue level; `msg` overrides the catalogue text (e.g. the DHCPACK line). */
  log(id: string, fields?: LogFields, msg?: string): void;
  enabled(level: Level): boolean;
}

const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LoggerOptions = {
  format: LogFormat;
  level: Level;
  /** Where lines go; defaults to stdout. Lines are written whole, one per call. */
  write?: (line: string) => void;
  now?: () => Date;
};

/**
 * One line per event. Text: `2026-11-23T06:00:00.000Z INFO DHCP4_PACKET DHCPACK on 10.0.0.20 to … via v1`
 * (catalogue text followed by key=value fields when no message of its own is given). JSON: `{"time":…,"level":…,"id":…,"msg":…, …fields}`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => { process.stdout.write(line); });
  const now = options.now ?? (() => new Date());
  const threshold = RANK[options.level];
  const catalogue = MESSAGES as Record<string, { text: string }>;
  return {
    enabled: (level) => RANK[level] >= threshold,
    log(id, fields = {}, msg) {
      const level = messageLevel(id);
      if (RANK[level] < threshold) return;
      const text = msg ?? catalogue[id]?.text ?? id;
      if (options.format === 'json') {
        write(JSON.stringify({ time: now().toISOString(), level, id, msg: text, ...fields }) + '\n');
        return;
      }
      let line = `${now().toISOString()} ${level.toUpperCase()} ${id} ${text}`;
      // A message written for this event (the DHCPACK line) already says what matters; the
      // catalogue's generic text is followed by the fields.
      if (msg === undefined) for (const [key, value] of Object.entries(fields)) {
        line += ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
      }
      write(line + '\n');
    },
  };
}

/** A logger that remembers lines, for tests. */
export function createMemoryLogger(level: Level = 'debug'): Logger & { readonly lines: Array<{ id: string; msg: string; fields: LogFields }> } {
  const lines: Array<{ id: string; msg: string; fields: LogFields }> = [];
  const catalogue = MESSAGES as Record<string, { text: string }>;
  return {
    lines,
    enabled: (l) => RANK[l] >= RANK[level],
    log(id, fields = {}, msg) {
      if (RANK[messageLevel(id)] < RANK[level]) return;
      lines.push({ id, msg: msg ?? catalogue[id]?.text ?? id, fields });
    },
  };
}
