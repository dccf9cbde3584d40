import type { V1Deployment, V1EnvVar } from '@kubernetes/client-node';
import {
  foreignServiceEntryAddresses,
  istioAutoAllocation,
  parseIpv4Block,
  reservationsOf,
} from './reservedAddresses';
import { ipv4ToNumber } from './ipv4';

const istiod = (env?: V1EnvVar[]): V1Deployment => ({
  spec: {
    selector: {},
    template: {
      spec: {
        containers: [
          { name: 'discovery', image: 'docker.io/istio/pilot:1.27.1', env },
        ],
      },
    },
  },
});

describe('parseIpv4Block', () => {
  it.each([
    ['240.240.0.0/16', '240.240.0.0', '240.240.255.255'],
    ['240.0.0.5', '240.0.0.5', '240.0.0.5'],
    ['240.1.2.3/24', '240.1.2.0', '240.1.2.255'],
    ['0.0.0.0/0', '0.0.0.0', '255.255.255.255'],
  ])('reads %s', (text, first, last) => {
    expect(parseIpv4Block(text)).toEqual({
      start: ipv4ToNumber(first),
      end: ipv4ToNumber(last),
    });
  });

  it.each(['2001:2::/48', 'fd00::1', '240.0.0.0/33', '240.0.0.0/x', 'db', ''])(
    'skips %j',
    text => {
      expect(parseIpv4Block(text)).toBeUndefined();
    },
  );
});

describe('istioAutoAllocation', () => {
  it('is 240.240.0.0/16 unless istiod says otherwise', () => {
    for (const deployment of [undefined, istiod(), istiod([])]) {
      expect(istioAutoAllocation(deployment)).toEqual({
        range: {
          start: ipv4ToNumber('240.240.0.0'),
          end: ipv4ToNumber('240.240.255.255'),
          what: "240.240.0.0/16 (istiod's default auto-allocation range)",
        },
      });
    }
  });

  it('reads PILOT_IP_AUTOALLOCATE_IPV4_PREFIX', () => {
    expect(
      istioAutoAllocation(
        istiod([
          { name: 'PILOT_IP_AUTOALLOCATE_IPV4_PREFIX', value: '240.8.0.0/14' },
        ]),
      ),
    ).toEqual({
      range: {
        start: ipv4ToNumber('240.8.0.0'),
        end: ipv4ToNumber('240.11.255.255'),
        what: "240.8.0.0/14 (istiod's PILOT_IP_AUTOALLOCATE_IPV4_PREFIX)",
      },
    });
  });

  it('assumes the default, saying why, when it cannot read the setting', () => {
    const fromConfigMap = istioAutoAllocation(
      istiod([
        {
          name: 'PILOT_IP_AUTOALLOCATE_IPV4_PREFIX',
          valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } },
        },
      ]),
    );
    expect(fromConfigMap.range.what).toMatch(/^240\.240\.0\.0\/16/);
    expect(fromConfigMap.problem).toMatch(
      /from a reference crossmesh does not follow, so crossmesh assumes 240\.240\.0\.0\/16/,
    );
    expect(
      istioAutoAllocation(
        istiod([
          { name: 'PILOT_IP_AUTOALLOCATE_IPV4_PREFIX', value: '240.8.0.1' },
        ]),
      ).problem,
    ).toMatch(/is "240\.8\.0\.1", not an IPv4 CIDR/);
  });
});

describe('foreignServiceEntryAddresses', () => {
  it('takes spec and status addresses of ServiceEntries crossmesh does not own', () => {
    const ranges = foreignServiceEntryAddresses([
      {
        metadata: { name: 'db', namespace: 'data' },
        spec: { addresses: ['240.0.0.5', '240.0.1.0/30', 'fd00::5'] },
        status: {
          addresses: [{ value: '240.240.0.9' }, { value: '2001:2::9' }],
        },
      },
      {
        metadata: {
          name: 'svc-2-bar-global',
          namespace: 'istio-system',
          labels: { 'app.kubernetes.io/managed-by': 'crossmesh' },
        },
        spec: { addresses: ['245.1.1.1'] },
      },
      { metadata: { name: 'no-addresses', namespace: 'x' }, spec: {} },
    ]);
    expect(ranges.map(r => r.what)).toEqual([
      '240.0.0.5 (ServiceEntry data/db)',
      '240.0.1.0/30 (ServiceEntry data/db)',
      '240.240.0.9 (ServiceEntry data/db)',
    ]);
    expect(reservationsOf('240.0.1.3', ranges).map(r => r.what)).toEqual([
      '240.0.1.0/30 (ServiceEntry data/db)',
    ]);
    expect(reservationsOf('240.0.1.4', ranges)).toEqual([]);
    expect(reservationsOf('245.1.1.1', ranges)).toEqual([]);
  });
});
