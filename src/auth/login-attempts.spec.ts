import { loginLimitKey } from './login-attempts';

describe('loginLimitKey', () => {
  it.each([
    // IPv4: the address itself
    ['203.0.113.7', '203.0.113.7'],
    // IPv6: its /64, however the address is written
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:0:0:0:9', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['2001:db8::1:0:0:1', '2001:db8::/64'],
    ['2001:db8:0:0:1::1', '2001:db8::/64'],
    ['2001:db8::', '2001:db8::/64'],
    ['::1', '::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    // IPv4-mapped IPv6 (a dual-stack socket's IPv4 client): the IPv4 address
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:201', '192.0.2.1'],
    ['0:0:0:0:0:ffff:192.0.2.1', '192.0.2.1'],
    // not an address: as written
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, key) => {
    expect(loginLimitKey(address)).toBe(key);
  });
});
