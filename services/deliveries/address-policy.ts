import ipaddr from 'ipaddr.js';

/**
 * Where a delivery may connect, checked on each resolved address before connecting and again on
 * the connected socket. The deployment decides what is reachable at all (public unicast, plus
 * the operator's `operatorCidrs`, or everything in development); an endpoint's lists only narrow it.
 */
export type AddressPolicy = {
  allowPrivateNetworks: boolean; operatorCidrs: readonly string[];
  allowedCidrs: readonly string[]; blockedCidrs: readonly string[];
};

/** Whether `c` is a CIDR this module can apply (config and endpoint input are checked with it). */
export function isCidr(c: string): boolean {
  try { ipaddr.parseCIDR(c); return true; } catch { return false; }
}

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
 * An endpoint's blockedCidrs always win. Then the deployment's policy: public unicast addresses,
 * the operator's ranges (MITTR_ALLOWED_CIDRS), or everything when private networks are allowed
 * (development). Loopback, private, link-local (metadata), CGNAT, 6to4, Teredo and the other
 * special ranges are not 'unicast' in ipaddr.js. Last, a non-empty allowedCidrs of the endpoint is
 * an allowlist within what the deployment allows: it can never open a range the operator did not.
 */
export function addressAllowed(address: string, policy: AddressPolicy): { ok: true } | { ok: false; reason: string } {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try { ip = normalize(address); } catch { return { ok: false, reason: `unparseable address ${address}` }; }
  if (inAny(ip, policy.blockedCidrs)) return { ok: false, reason: `${address} is in the endpoint's blockedCidrs` };
  if (!policy.allowPrivateNetworks && ip.range() !== 'unicast' && !inAny(ip, policy.operatorCidrs)) {
    return { ok: false, reason: `refused to deliver to non-public address ${address} (${ip.range()})` };
  }
  if (policy.allowedCidrs.length > 0 && !inAny(ip, policy.allowedCidrs)) return { ok: false, reason: `${address} is not in the endpoint's allowedCidrs` };
  return { ok: true };
}
