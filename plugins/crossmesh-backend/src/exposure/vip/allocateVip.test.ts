import {
  ALLOCATABLE_VIP_COUNT,
  allocateMany,
  allocateVip,
  isAllocatableVip,
  isAllocatableVipValue,
} from './allocateVip';
import { ipv4ToNumber } from './ipv4';

const inIstioRange = (value: number) => value >>> 16 === 0xf0f0;

describe('isAllocatableVip', () => {
  it.each([
    '240.0.0.1',
    '240.239.255.255',
    '240.241.0.0',
    '250.1.2.3',
    '255.255.255.254',
  ])('accepts %s', address => {
    expect(isAllocatableVip(address)).toBe(true);
  });

  it.each([
    '240.0.0.0',
    '255.255.255.255',
    '240.240.0.0',
    '240.240.0.1',
    '240.240.255.255',
    '239.255.255.255',
    '10.0.0.1',
    '240.0.0.01',
    'not-an-ip',
  ])('refuses %s', address => {
    expect(isAllocatableVip(address)).toBe(false);
  });

  it('counts 240.0.0.0/4 less the excluded addresses', () => {
    expect(ALLOCATABLE_VIP_COUNT).toBe(2 ** 28 - 2 ** 16 - 2);
  });
});

describe('allocateVip', () => {
  it('gives the same host the same VIP, and different hosts different ones', () => {
    const a = allocateVip(new Set(), { seed: 'svc-2.bar.global' });
    expect(allocateVip(new Set(), { seed: 'svc-2.bar.global' })).toEqual(a);
    expect(isAllocatableVip(a.address)).toBe(true);
    expect(ipv4ToNumber(a.address)).toBe(a.value);
    expect(a.probes).toBe(0);
    expect(allocateVip(new Set(), { seed: 'svc-3.bar.global' }).value).not.toBe(
      a.value,
    );
  });

  it('steps forward past addresses in use, given as a set or a sorted array', () => {
    const first = allocateVip(new Set(), { seed: 'svc.foo.global' });
    const taken = [first.value, first.value + 1, first.value + 2];
    const fromSet = allocateVip(new Set(taken), { seed: 'svc.foo.global' });
    expect(fromSet.value).toBe(first.value + 3);
    expect(fromSet.probes).toBe(3);
    expect(allocateVip(taken, { seed: 'svc.foo.global' })).toEqual(fromSet);
  });

  it('wraps from 255.255.255.254 to 240.0.0.1', () => {
    // Find a seed that starts near the top of the range, then fill the tail.
    const inUse = new Set<number>();
    const top = ipv4ToNumber('255.255.255.254');
    const start = allocateVip(inUse, { random: () => 0.999999999999 });
    for (let v = start.value; v <= top; v++) inUse.add(v);
    const next = allocateVip(inUse, { random: () => 0.999999999999 });
    expect(next.address).toBe('240.0.0.1');
    expect(next.probes).toBe(top - start.value + 1);
  });

  it('jumps over 240.240.0.0/16', () => {
    const before = ipv4ToNumber('240.239.255.255');
    const random = () => (before - 0xf0000001) / ALLOCATABLE_VIP_COUNT - 1e-6;
    const start = allocateVip(new Set(), { random });
    expect(start.value).toBeLessThan(before);
    const inUse = new Set<number>();
    for (let v = start.value; v <= before; v++) inUse.add(v);
    expect(allocateVip(inUse, { random }).address).toBe('240.241.0.0');
  });

  it('without a seed, starts where random() points', () => {
    expect(allocateVip(new Set(), { random: () => 0 }).address).toBe(
      '240.0.0.1',
    );
  });

  it('allocates 100,000 VIPs in a row with no duplicate and none in 240.240.0.0/16', () => {
    const started = Date.now();
    const { values, probes } = allocateMany(100_000, 'svc-');
    const elapsed = Date.now() - started;
    expect(values).toHaveLength(100_000);
    expect(new Set(values).size).toBe(100_000);
    expect(values.filter(inIstioRange)).toEqual([]);
    expect(values.every(isAllocatableVipValue)).toBe(true);
    // At this load (0.04 %) hardly any start lands on a taken address.
    expect(probes).toBeLessThan(1000);
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe('allocateVip with reserved ranges (other tools’ addresses)', () => {
  const seed = 'svc-2.bar.global';
  const seeded = allocateVip(new Set(), { seed });
  const slash16 = {
    start: Math.floor(seeded.value / 0x10000) * 0x10000,
    end: Math.floor(seeded.value / 0x10000) * 0x10000 + 0xffff,
  };

  it('never proposes an address in a reserved range, nor a reserved address', () => {
    const vip = allocateVip(new Set(), {
      seed,
      reserved: [slash16, { start: slash16.end + 1, end: slash16.end + 2 }],
    });
    expect(vip.value).toBe(slash16.end + 3);
    expect(isAllocatableVipValue(vip.value)).toBe(true);
  });

  it('steps over a reserved /8 at once, and over addresses in use after it', () => {
    const slash8 = {
      start: Math.floor(seeded.value / 0x1000000) * 0x1000000,
      end: Math.floor(seeded.value / 0x1000000) * 0x1000000 + 0xffffff,
    };
    const started = Date.now();
    const vip = allocateVip(new Set([slash8.end + 1]), {
      seed,
      reserved: [slash8],
    });
    expect(Date.now() - started).toBeLessThan(50);
    expect(vip.value).toBe(slash8.end + 2);
    expect(vip.probes).toBe(2);
  });

  it('wraps past a reserved range at the top of 240.0.0.0/4', () => {
    const vip = allocateVip(new Set(), {
      random: () => 0.999999999999,
      reserved: [{ start: ipv4ToNumber('250.0.0.0'), end: 0xffffffff }],
    });
    expect(vip.address).toBe('240.0.0.1');
  });

  it('says so when everything is reserved', () => {
    expect(() =>
      allocateVip(new Set(), {
        seed,
        reserved: [{ start: 0xf0000000, end: 0xffffffff }],
      }),
    ).toThrow(/Every VIP in 240\.0\.0\.0\/4 is in use or reserved/);
  });
});
