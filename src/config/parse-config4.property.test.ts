import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfig4 } from './index.ts';

const VALID = join(import.meta.dirname, '../../test/fixtures/configs/valid');
const texts = readdirSync(VALID).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(VALID, f), 'utf8'));

/** Whatever the input, parseConfig4 returns issues; it never throws, and config is null iff an error exists. */
function checkTotal(text: string): void {
  const r = parseConfig4(text, { source: 'fuzz.json' });
  assert.equal(r.config === null, r.issues.some((i) => i.severity === 'error'));
}

describe('parseConfig4 on arbitrary input', () => {
  it('mutated fixtures (byte edits)', () => {
    const edit = fc.record({ at: fc.nat(), len: fc.nat({ max: 8 }), insert: fc.string({ maxLength: 8 }) });
    fc.assert(fc.property(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 4 }), (text, edits) => {
      let t = text;
      for (const e of edits) {
        const at = e.at % (t.length + 1);
        t = t.slice(0, at) + e.insert + t.slice(at + e.len);
      }
      checkTotal(t);
    }), { seed: 20240601, numRuns: 600 });
  });

  it('random JSON under Dhcp4 and under a subnet', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), (a, b) => {
      checkTotal(JSON.stringify({ Dhcp4: a }));
      checkTotal(JSON.stringify({ Dhcp4: { subnet4: [b, { id: 1, subnet: '10.0.0.0/24', pools: [b] }], 'option-data': [b] } }));
    }), { seed: 7, numRuns: 400 });
  });

  it('random values for known keys', () => {
    const keys = ['valid-lifetime', 'subnet', 'pools', 'reservations', 'relay', 'exclusions', 'option-data', 'interface', 'id',
      'offer-delay-ms', 'lease-database', 'interfaces-config', 'expired-leases-processing'];
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 })), (subnet) => {
      checkTotal(JSON.stringify({ Dhcp4: { ...subnet, subnet4: [subnet] } }));
    }), { seed: 11, numRuns: 400 });
  });
});
