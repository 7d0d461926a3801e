import ipaddr from 'ipaddr.js';

/** Where a delivery may connect: checked on the address actually connected to, after DNS. */
export type AddressPolicy = { allowPrivateNetworks: boolean; allowedCidrs: readonly string[]; blockedCidrs: readonly string[] };

type Parsed = [ipaddr.IPv4 | ipaddr.IPv6, number];
const cache = new Map<string, Parsed>();
function cidr(c: string): Parsed {
  let p = cache.get(c);
  if (!p) { p = ipaddr.parseCIDR(c); cache.set(c, p); }
  return p;
}

/** Normalizes IPv4-mapped IPv6 (::ffff:10.0.0.1) to IPv4 so v4 rules apply to it. */
function normalize(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const ip = ipaddr.parse(address);
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

function inAny(ip: ipaddr.IPv4 | ipaddr.IPv6, list: readonly string[]): boolean {
  return list.some((c) => {
    const [net, bits] = cidr(c);
    return net.kind() === ip.kind() && ip.match([net, bits] as never);
  });
}

/**
 * blockedCidrs always win; a non-empty allowedCidrs is an allowlist (and may admit private
 * ranges); otherwise only public unicast addresses, unless private networks are allowed
 * globally. Loopback, private, link-local (metadata), CGNAT, 6to4, Teredo and other special
 * ranges are not 'unicast' in ipaddr.js and so are refused by default.
 */
export function addressAllowed(address: string, policy: AddressPolicy): { ok: true } | { ok: false; reason: string } {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try { ip = normalize(address); } catch { return { ok: false, reason: `unparseable address ${address}` }; }
  if (inAny(ip, policy.blockedCidrs)) return { ok: false, reason: `${address} is in the endpoint's blockedCidrs` };
  if (policy.allowedCidrs.length > 0) {
    return inAny(ip, policy.allowedCidrs) ? { ok: true } : { ok: false, reason: `${address} is not in the endpoint's allowedCidrs` };
  }
  if (policy.allowPrivateNetworks || ip.range() === 'unicast') return { ok: true };
  return { ok: false, reason: `refused to deliver to non-public address ${address} (${ip.range()})` };
}
