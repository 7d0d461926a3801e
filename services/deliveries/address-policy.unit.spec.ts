import { describe, expect, it } from 'vitest';
import { addressAllowed, type AddressPolicy } from './address-policy.ts';

const prod: AddressPolicy = { allowPrivateNetworks: false, operatorCidrs: [], allowedCidrs: [], blockedCidrs: [] };
const ok = (a: string, p: AddressPolicy = prod) => addressAllowed(a, p).ok;

describe('address policy (checked on the connected address)', () => {
  it('refuses loopback, private, link-local/metadata, CGNAT and special IPv6 ranges by default', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '2002:7f00:1::', '2001:0::1', '64:ff9b::a00:1']) {
      expect(ok(a), a).toBe(false);
    }
  });
  it('allows public unicast addresses', () => {
    expect(ok('93.184.216.34')).toBe(true);
    expect(ok('2606:2800:220:1:248:1893:25c8:1946')).toBe(true);
  });
  it('given a tenant allowedCidrs, then it only narrows: it never opens loopback, private or metadata ranges (issue 17)', () => {
    for (const allowedCidrs of [['127.0.0.1/32'], ['::1/128'], ['0.0.0.0/0'], ['::/0'], ['10.0.0.0/8'], ['169.254.169.254/32']]) {
      const p = { ...prod, allowedCidrs };
      for (const a of ['127.0.0.1', '::1', '10.9.9.9', '169.254.169.254', '::ffff:127.0.0.1']) expect(ok(a, p), `${a} ${allowedCidrs}`).toBe(false);
    }
    const narrow = { ...prod, allowedCidrs: ['93.184.216.0/24'] };
    expect(ok('93.184.216.34', narrow)).toBe(true);
    expect(ok('1.1.1.1', narrow)).toBe(false);
  });
  it('given operator ranges, then they open to every endpoint, and a tenant allowedCidrs narrows within them', () => {
    const p = { ...prod, operatorCidrs: ['10.20.0.0/16'] };
    expect(ok('10.20.1.1', p)).toBe(true);
    expect(ok('10.21.1.1', p)).toBe(false);
    expect(ok('10.20.1.1', { ...p, allowedCidrs: ['10.0.0.0/8'] })).toBe(true);
    expect(ok('10.20.1.1', { ...p, allowedCidrs: ['10.20.2.0/24'] })).toBe(false);
    expect(ok('10.21.1.1', { ...p, allowedCidrs: ['10.0.0.0/8'] })).toBe(false);
  });
  it('lets blockedCidrs win over everything, even development mode', () => {
    const p = { allowPrivateNetworks: true, operatorCidrs: [], allowedCidrs: ['127.0.0.0/8'], blockedCidrs: ['127.0.0.1/32'] };
    expect(ok('127.0.0.1', p)).toBe(false);
    expect(ok('127.0.0.2', p)).toBe(true);
    expect(ok('93.184.216.34', { ...prod, blockedCidrs: ['93.184.0.0/16'] })).toBe(false);
  });
  it('allows private addresses in development mode', () => {
    expect(ok('127.0.0.1', { ...prod, allowPrivateNetworks: true })).toBe(true);
  });
});
