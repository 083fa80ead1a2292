import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The named ranges of Fastify's trustProxy (proxy-addr), expanded as it expands them. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Whole spaces that any host of a LAN takes its address from (private IPv4, link-local,
 * unique-local IPv6), and all of IPv4 written as IPv6: trusting one lets any neighbour, not
 * just the proxy, say who the client is.
 */
const SHARED_SPACES: Range[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  'fe80::/10',
  'fd00::/8',
  '::ffff:0:0/96',
].map((cidr) => ipaddr.parseCIDR(cidr));

/**
 * The ranges a TRUST_PROXY entry trusts, read as proxy-addr reads them (an IPv4-mapped IPv6
 * range of /96 or longer is an IPv4 range), or null when it is no address, CIDR or name.
 * Addresses are those `net.isIP` accepts: no `127.1` or `0x7f.0.0.1` shorthands.
 */
export function proxyRanges(entry: string): Range[] | null {
  const named = NAMED_RANGES[entry];
  if (named) return named.map((cidr) => ipaddr.parseCIDR(cidr));
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return null;
  const max = family === 4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return null;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return null;
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [[(ip as ipaddr.IPv6).toIPv4Address(), bits - 96]];
  }
  return [[ip, bits]];
}

/**
 * Why trusting this range would let clients choose their own address, or null: it spans more
 * than 1/256 of its family (a prefix under /8: `0.0.0.0/0`, `0.0.0.0/1`, `::/0`), or it holds a
 * whole shared space (see SHARED_SPACES).
 */
export function catchAllReason([ip, bits]: Range): string | null {
  if (bits < 8) return `/${bits} spans more than 1/256 of all addresses`;
  const space = SHARED_SPACES.find(
    ([network, size]) => network.kind() === ip.kind() && bits <= size && network.match(ip, bits),
  );
  return space ? `it holds all of ${space[0].toString()}/${space[1]}` : null;
}
