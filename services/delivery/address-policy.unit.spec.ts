import { describe, expect, it } from 'vitest';
import { addressAllowed, type AddressPolicy } from './address-policy.ts';

const prod: AddressPolicy = { allowPrivateNetworks: false, allowedCidrs: [], blockedCidrs: [] };
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
  it('lets allowedCidrs admit a private range and act as an allowlist', () => {
    const p = { ...prod, allowedCidrs: ['10.0.0.0/8'] };
    expect(ok('10.9.9.9', p)).toBe(true);
    expect(ok('93.184.216.34', p)).toBe(false);
  });
  it('lets blockedCidrs win over everything, even development mode', () => {
    const p = { allowPrivateNetworks: true, allowedCidrs: ['127.0.0.0/8'], blockedCidrs: ['127.0.0.1/32'] };
    expect(ok('127.0.0.1', p)).toBe(false);
    expect(ok('127.0.0.2', p)).toBe(true);
    expect(ok('93.184.216.34', { ...prod, blockedCidrs: ['93.184.0.0/16'] })).toBe(false);
  });
  it('allows private addresses in development mode', () => {
    expect(ok('127.0.0.1', { ...prod, allowPrivateNetworks: true })).toBe(true);
  });
});
