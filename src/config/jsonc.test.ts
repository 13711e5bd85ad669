import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childPath, parseJsonc } from './jsonc.ts';

describe('parseJsonc', () => {
  it('skips the three comment kinds but never inside strings', () => {
    const text = [
      '# hash comment',
      '// slash comment',
      '{ /* block',
      '   comment */ "a": "x # y // z /* w */", // tail',
      '  "b": [1, -2.5e1, true, null] # tail',
      '}',
    ].join('\n');
    const r = parseJsonc(text);
    assert.deepEqual(r.issues, []);
    assert.deepEqual({ ...(r.value as object) }, { a: 'x # y // z /* w */', b: [1, -25, true, null] });
  });

  it('records value and key positions by path', () => {
    const r = parseJsonc('{\n  "Dhcp4": {\n    "subnet4": [ { "id": 7 } ]\n  }\n}', { source: 'f.json' });
    assert.deepEqual(r.valuePos.get('Dhcp4.subnet4[0].id'), { source: 'f.json', line: 3, column: 26 });
    assert.deepEqual(r.keyPos.get('Dhcp4.subnet4'), { source: 'f.json', line: 3, column: 5 });
  });

  const syntaxCases: Array<[string, string, number, number]> = [
    ['{ "a": 1 "b": 2 }', "expected ',' or '}'", 1, 10],
    ['{ "a": 1,\n  b: 2 }', 'strings need double quotes', 2, 3],
    ['{ "a": "x\n" }', 'unterminated string', 1, 8],
    ['{ "a": 1 /* open', 'unterminated /* comment', 1, 10],
    ['{ "a": [1, 2 }', "expected ',' or ']'", 1, 14],
    ['', 'expected a value, found end of input', 1, 1],
    ['{} {}', 'expected end of input', 1, 4],
    ["{ 'a': 1 }", "unexpected '''", 1, 3],
  ];
  for (const [text, message, line, column] of syntaxCases) {
    it(`reports one syntax error with its position: ${JSON.stringify(text)}`, () => {
      const r = parseJsonc(text, { source: 's.json' });
      assert.equal(r.value, undefined);
      const errors = r.issues.filter((i) => i.severity === 'error');
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.message, new RegExp(message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
      assert.equal(errors[0]!.line, line);
      assert.equal(errors[0]!.column, column);
    });
  }

  it('warns about a trailing comma as Kea does, and keeps the value', () => {
    const r = parseJsonc('{ "a": [1, 2,], }');
    assert.deepEqual({ ...(r.value as object) }, { a: [1, 2] });
    assert.equal(r.issues.length, 2);
    assert.ok(r.issues.every((i) => i.severity === 'warning' && /extraneous comma/.test(i.message)));
  });

  it('reports a duplicate key at its path', () => {
    const r = parseJsonc('{ "a": 1,\n "a": 2 }');
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0]!.path, 'a');
    assert.equal(r.issues[0]!.line, 2);
    assert.match(r.issues[0]!.message, /duplicate key 'a' \(first at line 1\)/);
  });

  it('splices includes in place, with positions in the included file', () => {
    const files: Record<string, string> = { 'inner.json': '// inner\n"x": 2, "y": <?include "leaf.json" ?>', 'leaf.json': '[3]' };
    const r = parseJsonc('{ "w": 1, <?include "inner.json" ?> }', {
      source: 'main.json',
      readInclude: (p) => ({ source: p, text: files[p]! }),
    });
    assert.deepEqual(r.issues, []);
    assert.deepEqual({ ...(r.value as object) }, { w: 1, x: 2, y: [3] });
    assert.deepEqual(r.valuePos.get('x'), { source: 'inner.json', line: 2, column: 6 });
    assert.deepEqual(r.valuePos.get('y[0]'), { source: 'leaf.json', line: 1, column: 2 });
  });

  it('refuses include loops, unreadable includes and includes without a reader', () => {
    const loop = parseJsonc('[<?include "a" ?>]', { readInclude: (p) => ({ source: p, text: '<?include "a" ?>' }) });
    assert.match(loop.issues[0]!.message, /include loop/);
    const missing = parseJsonc('[<?include "nope" ?>]', { readInclude: () => { throw new Error('ENOENT'); } });
    assert.match(missing.issues[0]!.message, /cannot include "nope": ENOENT/);
    const noReader = parseJsonc('[<?include "x" ?>]');
    assert.match(noReader.issues[0]!.message, /no file reader/);
    const bad = parseJsonc('[<?include x ?>]', { readInclude: () => ({ source: 'x', text: '1' }) });
    assert.match(bad.issues[0]!.message, /malformed include/);
  });

  it('does not let "__proto__" keys reach the prototype', () => {
    const r = parseJsonc('{ "__proto__": { "polluted": true } }');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(Object.keys(r.value as object), ['__proto__']);
  });

  it('builds paths the same way everywhere', () => {
    assert.equal(childPath('', 'Dhcp4'), 'Dhcp4');
    assert.equal(childPath('Dhcp4', 'subnet4'), 'Dhcp4.subnet4');
    assert.equal(childPath('Dhcp4.subnet4', 3), 'Dhcp4.subnet4[3]');
    assert.equal(childPath('Dhcp4', 'odd key'), 'Dhcp4["odd key"]');
  });
});
