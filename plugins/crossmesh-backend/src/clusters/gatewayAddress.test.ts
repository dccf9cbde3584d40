import { resolveGatewayAddress } from './gatewayAddress';

const ports = [
  { name: 'http2', port: 80, nodePort: 31080 },
  { name: 'tls', port: 15443, nodePort: 31443 },
];

describe('resolveGatewayAddress', () => {
  it('prefers the configured address over everything discovered', () => {
    expect(
      resolveGatewayAddress({
        override: { address: 'gw.example.net' },
        service: {
          spec: { ports },
          status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } },
        },
      }),
    ).toEqual({
      gateway: { address: 'gw.example.net', port: 15443, source: 'config' },
    });
  });

  it('uses the load balancer ip, then its hostname, on 15443', () => {
    expect(
      resolveGatewayAddress({
        service: {
          spec: { ports },
          status: { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } },
        },
      }).gateway,
    ).toEqual({ address: '192.0.2.7', port: 15443, source: 'loadBalancer' });
    expect(
      resolveGatewayAddress({
        service: {
          spec: { ports },
          status: {
            loadBalancer: { ingress: [{ hostname: 'abc.elb.amazonaws.com' }] },
          },
        },
      }).gateway,
    ).toEqual({
      address: 'abc.elb.amazonaws.com',
      port: 15443,
      source: 'loadBalancer',
    });
  });

  it("falls back to a node's address on the nodePort of 15443", () => {
    expect(
      resolveGatewayAddress({
        service: { spec: { type: 'NodePort', ports } },
        nodes: [
          {
            status: {
              addresses: [{ type: 'InternalIP', address: '10.0.0.4' }],
            },
          },
          {
            status: {
              addresses: [
                { type: 'Hostname', address: 'node-b' },
                { type: 'ExternalIP', address: '198.51.100.9' },
              ],
            },
          },
        ],
      }).gateway,
    ).toEqual({ address: '198.51.100.9', port: 31443, source: 'nodePort' });
  });

  it('says what to do when the gateway cannot be located', () => {
    expect(resolveGatewayAddress({})).toMatchObject({
      gateway: null,
      problem: expect.stringContaining('gatewayAddress'),
    });
    expect(
      resolveGatewayAddress({ service: { spec: { ports: [ports[0]] } } }),
    ).toMatchObject({
      gateway: null,
      problem: expect.stringContaining('15443'),
    });
    expect(
      resolveGatewayAddress({ service: { spec: { ports } }, nodes: [] }),
    ).toMatchObject({
      gateway: null,
      problem: expect.stringContaining('no load-balancer address'),
    });
  });
});
