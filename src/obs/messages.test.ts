import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MESSAGES } from './messages.ts';

it('docs/messages.md lists every log event ID', () => {
  const doc = readFileSync(new URL('../../docs/messages.md', import.meta.url), 'utf8');
  for (const id of Object.keys(MESSAGES)) assert.ok(doc.includes(`\`${id}\``), `${id} missing from docs/messages.md; run scripts/gen-messages-doc.ts`);
});
