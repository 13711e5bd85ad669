import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatConfigIssue, parseConfig4 } from './index.ts';

const files: Record<string, string> = {
  '/etc/tandem/kea-api-user': 'admin\n',
  '/etc/tandem/kea-api-password': ' s3cret \n',
  '/etc/tandem/combined': 'ops:pa:ss\n',
  '/etc/tandem/nocolon': 'justpassword',
};
const readFile = (p: string) => {
  const v = files[p];
  if (v === undefined) throw new Error(`ENOENT: no such file '${p}'`);
  return v;
};
const parse = (dhcp4: object) => parseConfig4(JSON.stringify({ Dhcp4: { subnet4: [{ id: 1, subnet: '10.0.0.0/24' }], ...dhcp4 } }), {
  baseDir: '/etc/tandem', readFile,
});
const ok = (dhcp4: object) => {
  const r = parse(dhcp4);
  assert.notEqual(r.config, null, r.issues.map(formatConfigIssue).join('\n'));
  return r.config!.controlSockets;
};
const auth = { type: 'basic', realm: 'dhcp', clients: [{ user: 'admin', password: 'pw' }] };

describe('control sockets: valid', () => {
  it('defaults to one Unix socket beside the lease file', () => {
    assert.deepEqual(ok({ 'lease-database': { type: 'memfile', name: '/var/lib/t1/leases.jsonl' } }), [{ type: 'unix', path: '/var/lib/t1/tandem4-ctrl.sock' }]);
  });
  it("reads Kea 2.2's control-socket; a relative name is resolved against the config directory", () => {
    assert.deepEqual(ok({ 'control-socket': { 'socket-type': 'unix', 'socket-name': 'ctl.sock' } }), [{ type: 'unix', path: '/etc/tandem/ctl.sock' }]);
  });
  it('reads control-sockets with http defaults', () => {
    assert.deepEqual(ok({ 'control-sockets': [{ 'socket-type': 'unix', 'socket-name': '/run/t.sock' }, { 'socket-type': 'http' }] }), [
      { type: 'unix', path: '/run/t.sock' },
      { type: 'http', address: '127.0.0.1', port: 8000, auth: null, tls: null },
    ]);
  });
  it('reads basic authentication from the config and from files in the directory', () => {
    const [s] = ok({ 'control-sockets': [{
      'socket-type': 'http', 'socket-address': '0.0.0.0', 'socket-port': 8001,
      authentication: { type: 'basic', directory: '/etc/tandem', clients: [
        { user: 'a', password: 'x' },
        { 'user-file': 'kea-api-user', 'password-file': 'kea-api-password' },
        { 'password-file': 'combined' },
      ] },
    }] });
    assert.deepEqual(s, { type: 'http', address: '0.0.0.0', port: 8001, tls: null, auth: { realm: 'tandem', clients: [
      { user: 'a', password: 'x' }, { user: 'admin', password: 's3cret' }, { user: 'ops', password: 'pa:ss' },
    ] } });
  });
  it('reads https; cert-required defaults to true with a trust anchor; client certificates count as authentication', () => {
    const [s] = ok({ 'control-sockets': [{
      'socket-type': 'https', 'socket-address': '192.0.2.1', 'trust-anchor': 'ca.pem', 'cert-file': '/tls/srv.pem', 'key-file': 'srv.key',
    }] });
    assert.deepEqual(s, { type: 'https', address: '192.0.2.1', port: 8000, auth: null, tls: {
      certFile: '/tls/srv.pem', keyFile: '/etc/tandem/srv.key', trustAnchor: '/etc/tandem/ca.pem', certRequired: true,
    } });
  });
  it('allows a remote listener with authentication, and an IPv6 loopback one without', () => {
    assert.equal(ok({ 'control-sockets': [{ 'socket-type': 'http', 'socket-address': '10.1.1.1', authentication: auth }, { 'socket-type': 'http', 'socket-address': '::1' }] }).length, 2);
  });
});

describe('control sockets: errors at their paths', () => {
  const cases: Array<[string, object, string, RegExp]> = [
    ['remote without authentication', { 'control-sockets': [{ 'socket-type': 'http', 'socket-address': '0.0.0.0' }] },
      'Dhcp4.control-sockets[0].socket-address', /remote control access needs authentication/],
    ['remote https without required client certs', { 'control-sockets': [{ 'socket-type': 'https', 'socket-address': '10.0.0.1', 'cert-file': 'c', 'key-file': 'k', 'trust-anchor': 'a', 'cert-required': false }] },
      'Dhcp4.control-sockets[0].socket-address', /needs authentication/],
    ['both keys', { 'control-socket': { 'socket-type': 'unix', 'socket-name': 'a' }, 'control-sockets': [] }, 'Dhcp4.control-sockets', /either/],
    ['unknown type', { 'control-sockets': [{ 'socket-type': 'tcp' }] }, 'Dhcp4.control-sockets[0].socket-type', /unknown socket type 'tcp'/],
    ['missing type', { 'control-socket': { 'socket-name': 'a' } }, 'Dhcp4.control-socket', /'socket-type' is required/],
    ['missing name', { 'control-socket': { 'socket-type': 'unix' } }, 'Dhcp4.control-socket', /'socket-name' is required/],
    ['name too long', { 'control-socket': { 'socket-type': 'unix', 'socket-name': `/${'x'.repeat(120)}` } }, 'Dhcp4.control-socket.socket-name', /longer than 107/],
    ['bad port', { 'control-sockets': [{ 'socket-type': 'http', 'socket-port': 70000 }] }, 'Dhcp4.control-sockets[0].socket-port', /out of range/],
    ['port as string', { 'control-sockets': [{ 'socket-type': 'http', 'socket-port': '80' }] }, 'Dhcp4.control-sockets[0].socket-port', /must be an integer/],
    ['bad address', { 'control-sockets': [{ 'socket-type': 'http', 'socket-address': 'localhost' }] }, 'Dhcp4.control-sockets[0].socket-address', /not an IPv4 or IPv6 address/],
    ['unknown key', { 'control-sockets': [{ 'socket-type': 'http', 'socket-prot': 1 }] }, 'Dhcp4.control-sockets[0].socket-prot', /did you mean 'socket-port'/],
    ['unix with a port', { 'control-socket': { 'socket-type': 'unix', 'socket-name': 'a', 'socket-port': 1 } }, 'Dhcp4.control-socket.socket-port', /not to a Unix socket/],
    ['https without key', { 'control-sockets': [{ 'socket-type': 'https', 'cert-file': 'c' }] }, 'Dhcp4.control-sockets[0]', /'key-file' is required/],
    ['TLS on http', { 'control-sockets': [{ 'socket-type': 'http', 'cert-file': 'c' }] }, 'Dhcp4.control-sockets[0].cert-file', /need socket-type 'https'/],
    ['cert-required without anchor', { 'control-sockets': [{ 'socket-type': 'https', 'cert-file': 'c', 'key-file': 'k', 'cert-required': true }] },
      'Dhcp4.control-sockets[0].cert-required', /trust-anchor/],
    ['auth type', { 'control-sockets': [{ 'socket-type': 'http', authentication: { ...auth, type: 'digest' } }] }, 'Dhcp4.control-sockets[0].authentication.type', /only 'basic'/],
    ['no clients', { 'control-sockets': [{ 'socket-type': 'http', authentication: { type: 'basic', clients: [] } }] }, 'Dhcp4.control-sockets[0].authentication.clients', /at least one user/],
    ['user with colon', { 'control-sockets': [{ 'socket-type': 'http', authentication: { type: 'basic', clients: [{ user: 'a:b', password: 'x' }] } }] },
      'Dhcp4.control-sockets[0].authentication.clients[0].user', /must not contain ':'/],
    ['user and user-file', { 'control-sockets': [{ 'socket-type': 'http', authentication: { type: 'basic', clients: [{ user: 'a', 'user-file': 'kea-api-user' }] } }] },
      'Dhcp4.control-sockets[0].authentication.clients[0].user-file', /mutually exclusive/],
    ['missing password file', { 'control-sockets': [{ 'socket-type': 'http', authentication: { type: 'basic', clients: [{ user: 'a', 'password-file': 'nope' }] } }] },
      'Dhcp4.control-sockets[0].authentication.clients[0].password-file', /cannot read \/etc\/tandem\/nope/],
    ['password file without user part', { 'control-sockets': [{ 'socket-type': 'http', authentication: { type: 'basic', clients: [{ 'password-file': 'nocolon' }] } }] },
      'Dhcp4.control-sockets[0].authentication.clients[0].password-file', /'user:password'/],
    ['duplicate user', { 'control-sockets': [{ 'socket-type': 'http', authentication: { type: 'basic', clients: [{ user: 'a', password: 'x' }, { user: 'a', password: 'y' }] } }] },
      'Dhcp4.control-sockets[0].authentication.clients[1]', /listed twice/],
    ['same place twice', { 'control-sockets': [{ 'socket-type': 'http' }, { 'socket-type': 'http', 'socket-address': '127.0.0.1', 'socket-port': 8000 }] },
      'Dhcp4.control-sockets[1]', /already does/],
  ];
  for (const [name, dhcp4, path, message] of cases) {
    it(name, () => {
      const r = parse(dhcp4);
      assert.equal(r.config, null);
      assert.ok(r.issues.some((i) => i.severity === 'error' && i.path === path && message.test(i.message)), r.issues.map(formatConfigIssue).join('\n'));
    });
  }
  it('never puts a password in a message', () => {
    const r = parse({ 'control-sockets': [{ 'socket-type': 'http', 'socket-address': '10.0.0.1', authentication: { type: 'basic', clients: [{ user: 'a:b', password: 'topsecret' }] } }] });
    assert.ok(!r.issues.some((i) => i.message.includes('topsecret')));
  });
});
