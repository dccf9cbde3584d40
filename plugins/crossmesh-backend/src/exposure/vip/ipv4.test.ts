import { ipv4ToNumber, isIpv4, numberToIpv4 } from './ipv4';

describe('ipv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['240.0.0.1', 0xf0000001],
    ['240.240.0.0', 0xf0f00000],
    ['10.1.2.3', 0x0a010203],
    ['255.255.255.255', 0xffffffff],
  ])('converts %s both ways', (address, value) => {
    expect(ipv4ToNumber(address)).toBe(value);
    expect(numberToIpv4(value)).toBe(address);
    expect(isIpv4(address)).toBe(true);
  });

  it.each([
    '',
    '256.0.0.1',
    '240.0.0',
    '240.0.0.1.2',
    '240.00.0.1',
    '010.0.0.1',
    ' 240.0.0.1',
    '240.0.0.1\n',
    '240.0.0.-1',
    '240.0.0.1/32',
    '::1',
    '２40.0.0.1',
  ])('refuses %j', address => {
    expect(isIpv4(address)).toBe(false);
    expect(() => ipv4ToNumber(address)).toThrow('is not an IPv4 address');
  });

  it.each([-1, 1.5, 2 ** 32, NaN])('refuses the number %j', value => {
    expect(() => numberToIpv4(value)).toThrow();
  });
});
