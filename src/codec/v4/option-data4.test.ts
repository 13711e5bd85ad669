import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodecError, OPTION_DEFS4, encodeOptionData4, findOptionDef4, formatOptionData4 } from '../index.ts';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

test('definition table: Kea 2.2 names, codes and types', () => {
  const rows: Array<[string | number, number, string, string, boolean]> = [
    ['subnet-mask', 1, 'subnet-mask', 'ipv4-address', false],
    ['routers', 3, 'routers', 'ipv4-address', true],
    [6, 6, 'domain-name-servers', 'ipv4-address', true],
    ['15', 15, 'domain-name', 'string', false],
    ['time-offset', 2, 'time-offset', 'int32', false],
    ['dhcp-lease-time', 51, 'dhcp-lease-time', 'uint32', false],
    ['dhcp-client-identifier', 61, 'dhcp-client-identifier', 'binary', false],
    ['fqdn', 81, 'fqdn', 'record', false],
    ['dhcp-agent-options', 82, 'dhcp-agent-options', 'empty', false],
    ['subnet-selection', 118, 'subnet-selection', 'ipv4-address', false],
    ['domain-search', 119, 'domain-search', 'fqdn', true],
    ['classless-static-route', 121, 'classless-static-route', 'internal', false],
    ['vivco-suboptions', 124, 'vivco-suboptions', 'record', false],
    ['vivso-suboptions', 125, 'vivso-suboptions', 'uint32', false],
    ['v6-only-preferred', 108, 'v6-only-preferred', 'uint32', false],
  ];
  for (const [key, code, name, type, array] of rows) {
    const def = findOptionDef4(key);
    assert.ok(def, String(key));
    assert.deepEqual([def.code, def.name, def.type, def.array], [code, name, type, array], String(key));
  }
  for (let code = 1; code <= 76; code++) if (code !== 43) assert.ok(findOptionDef4(code), `RFC 2132 option ${code} defined`);
  assert.equal(new Set(OPTION_DEFS4.map((d) => d.code)).size, OPTION_DEFS4.length, 'codes unique');
  assert.equal(findOptionDef4('no-such-option'), undefined);
});

test('encodeOptionData4: good values (csv)', () => {
  const cases: Array<[string | number, string, string]> = [
    ['routers', '10.0.0.1', '0a000001'],
    ['domain-name-servers', '10.0.0.53, 10.0.0.54', '0a0000350a000036'],
    ['default-ip-ttl', '64', '40'],
    ['default-ip-ttl', '0xff', 'ff'],
    ['interface-mtu', '1500', '05dc'],
    ['dhcp-lease-time', '4294967295', 'ffffffff'],
    ['time-offset', '-3600', 'fffff1f0'],
    ['ip-forwarding', 'true', '01'],
    ['ip-forwarding', '0', '00'],
    ['domain-name', 'example.com', hex(new TextEncoder().encode('example.com'))],
    ['domain-name', 'a, b', hex(new TextEncoder().encode('a, b'))],
    ['dhcp-parameter-request-list', '1, 3, 6', '010306'],
    ['domain-search', 'example.com, b.org', '076578616d706c6503636f6d000162036f726700'],
    ['v4-access-domain', 'x.org.', '0178036f726700'],
    ['dhcp-client-identifier', '01:02:03', '010203'],
    ['slp-directory-agent', 'true, 10.0.0.1, 10.0.0.2', '010a0000010a000002'],
    ['slp-service-scope', 'false, scope a, b', '00' + hex(new TextEncoder().encode('scope a, b'))],
    ['fqdn', '1, 0, 0, host.example.', '01000004686f7374076578616d706c6500'],
    ['client-ndi', '1, 2, 3', '010203'],
    ['uuid-guid', '0, 0a0b', '000a0b'],
    ['vivco-suboptions', '4491, 0102', '0000118b0102'],
    ['v4-portparams', '0, 3/4', '00043000'],
    ['option-6rd', '0, 16, 2001:db8::, 10.0.0.1', '00102001' + '0db8' + '0'.repeat(24) + '0a000001'],
    ['classless-static-route', '10.0.0.0/8 - 10.0.0.1, 0.0.0.0/0 - 10.0.0.254', '080a0a000001000a0000fe'],
    ['classless-static-route', '080a0a000001', '080a0a000001'],
    ['dhcp-agent-options', '', ''],
  ];
  for (const [key, text, want] of cases) {
    assert.equal(hex(encodeOptionData4(findOptionDef4(key), text, true)), want, `${key} '${text}'`);
  }
});

test('encodeOptionData4: hex (csv-format false) and unknown codes', () => {
  for (const text of ['0a0b0c', '0a:0b:0c', '0x0a0b0c', '0a 0b 0c']) {
    assert.equal(hex(encodeOptionData4(findOptionDef4('routers'), text, false)), '0a0b0c', text);
  }
  assert.equal(hex(encodeOptionData4(undefined, 'cafe', true)), 'cafe');
  assert.equal(hex(encodeOptionData4(undefined, '', false)), '');
});

test('encodeOptionData4: bad values say what is wrong', () => {
  const cases: Array<[string | number | undefined, string, boolean, RegExp]> = [
    ['default-ip-ttl', '300', true, /'300' is not a uint8/],
    ['default-ip-ttl', '-1', true, /'-1' is not a uint8/],
    ['interface-mtu', 'big', true, /'big' is not a uint16/],
    ['routers', '1.2.3', true, /'1.2.3' is not an IPv4 address/],
    ['routers', '10.0.0.1, 10.0.0.300', true, /'10.0.0.300' is not an IPv4 address/],
    ['routers', '', true, /no value/],
    ['subnet-mask', '255.0.0.0, 255.255.0.0', true, /takes one/],
    ['ip-forwarding', 'yes', true, /'yes' is not a boolean/],
    ['domain-name', '', true, /must not be empty/],
    ['domain-search', 'a..b', true, /is not a domain name/],
    ['client-ndi', '1, 2', true, /needs 3/],
    ['client-ndi', '1, 2, 3, 4', true, /takes 3/],
    ['dhcp-client-identifier', 'xyz', true, /is not hex/],
    ['routers', 'zz', false, /is not hex/],
    [undefined, 'not hex', true, /is not hex/],
    ['classless-static-route', '10.0.0.0/33 - 10.0.0.1', true, /is not a route/],
    ['v4-portparams', '0, 20/4', true, /is not a PSID/],
    ['option-6rd', '0, 16, 2001:db8:::1, 10.0.0.1', true, /is not an IPv6 address/],
  ];
  for (const [key, text, csv, message] of cases) {
    const def = key === undefined ? undefined : findOptionDef4(key);
    assert.throws(() => encodeOptionData4(def, text, csv), (e: unknown) => {
      assert.ok(e instanceof CodecError);
      assert.equal(e.code, 'ERR_CODEC_OPTION_VALUE');
      assert.match(e.message, message);
      return true;
    }, `${String(key)} '${text}'`);
  }
});

test('formatOptionData4 is the inverse for logs and listings', () => {
  const cases: Array<[string | number, string, string?]> = [
    ['routers', '10.0.0.1, 10.0.0.2'],
    ['domain-name', 'example.com'],
    ['dhcp-lease-time', '3600'],
    ['time-offset', '-3600'],
    ['ip-forwarding', 'true'],
    ['domain-search', 'example.com, b.example.com'],
    ['slp-service-scope', 'false, scope a\\, b'],
    ['fqdn', '1, 0, 0, host.example'],
    ['v4-portparams', '0, 3/4'],
    ['option-6rd', '0, 16, 2001:db8::, 10.0.0.1'],
    ['classless-static-route', '10.0.0.0/8 - 10.0.0.1, 0.0.0.0/0 - 10.0.0.254'],
    ['dhcp-client-identifier', '01:02:03'],
  ];
  for (const [key, text] of cases) {
    const def = findOptionDef4(key);
    const bytes = encodeOptionData4(def, text, true);
    assert.equal(formatOptionData4(def, bytes), text, String(key));
  }
  assert.equal(formatOptionData4(findOptionDef4('routers'), Uint8Array.of(1, 2, 3)), '01:02:03', 'malformed → hex');
  assert.equal(formatOptionData4(undefined, Uint8Array.of(0xab)), 'ab');
  assert.equal(formatOptionData4(findOptionDef4('fqdn'), Uint8Array.of(5, 0, 0, 1, 0x61)), '5, 0, 0, a', 'partial FQDN');
});
