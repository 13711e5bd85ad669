/** Left-aligned columns separated by two spaces; numeric columns (`right`) right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) =>
    right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}

/** "1 lease", "2 leases". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
