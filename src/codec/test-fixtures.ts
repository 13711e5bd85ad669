// Test-only helper: the captured DHCPv4 packets in test/fixtures/packets/v4/*.hex.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../test/fixtures/packets/v4/', import.meta.url));

/** Every fixture: name (file name without .hex), payload bytes, and its `# source:` line. */
export function loadFixtures4(): Array<{ name: string; bytes: Uint8Array; source: string; what: string }> {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((file) => {
      const text = readFileSync(DIR + file, 'utf8');
      let source = '';
      let what = '';
      let hex = '';
      for (const line of text.split('\n')) {
        if (line.startsWith('# source:')) source = line.slice(9).trim();
        else if (line.startsWith('# what:')) what = line.slice(7).trim();
        else if (!line.startsWith('#')) hex += line.replace(/\s+/g, '');
      }
      if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`${file}: not hex`);
      const bytes = new Uint8Array(hex.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      return { name: file.slice(0, -4), bytes, source, what };
    });
}
