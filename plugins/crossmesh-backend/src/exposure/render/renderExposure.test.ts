import { InputError } from '@backstage/errors';
import { parse, parseAllDocuments } from 'yaml';
import { renderExposure } from './renderExposure';
import { toYaml } from './toYaml';
import type { ExposureRenderInput } from './types';

const requestId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const name = 'crossmesh-svc-2-bar-0ce7b621ad';

const input: ExposureRenderInput = {
  requestId,
  host: 'svc-2.bar.global',
  vip: '240.0.0.2',
  ports: [
    { name: 'http', number: 8000 },
    { name: 'grpc-api', number: 9000, protocol: 'grpc' },
  ],
  remoteGateway: { address: '192.0.2.11', port: 15443 },
};

const perRequestMetadata = (namespace: string) => ({
  name,
  namespace,
  labels: {
    'app.kubernetes.io/managed-by': 'crossmesh',
    'crossmesh.io/request-id': requestId,
  },
  annotations: { 'crossmesh.io/host': 'svc-2.bar.global' },
});

const consumerSpec = {
  hosts: ['svc-2.bar.global'],
  location: 'MESH_INTERNAL',
  ports: [
    { number: 8000, name: 'http', protocol: 'HTTP' },
    { number: 9000, name: 'grpc-api', protocol: 'GRPC' },
  ],
  resolution: 'DNS',
  addresses: ['240.0.0.2'],
  endpoints: [
    { address: '192.0.2.11', ports: { http: 15443, 'grpc-api': 15443 } },
  ],
};

const sharedMetadata = (objectName: string) => ({
  name: objectName,
  namespace: 'istio-system',
  labels: { 'app.kubernetes.io/managed-by': 'crossmesh' },
  annotations: { 'crossmesh.io/host': '*.global' },
});

describe('renderExposure', () => {
  it('legacy-global: the docs ServiceEntry in the calling cluster, nothing in the exporting one', () => {
    expect(renderExposure('legacy-global', input)).toEqual({
      consumer: [
        {
          apiVersion: 'networking.istio.io/v1beta1',
          kind: 'ServiceEntry',
          metadata: perRequestMetadata('istio-system'),
          spec: consumerSpec,
        },
      ],
      exporter: [],
    });
  });

  it('legacy-global with consumer namespaces: one ServiceEntry per namespace, exported to "."', () => {
    const rendered = renderExposure('legacy-global', {
      ...input,
      exportTo: ['foo', 'baz'],
      remoteGateway: { address: 'gw.example.com', port: 31443 },
    });
    const spec = {
      ...consumerSpec,
      endpoints: [
        {
          address: 'gw.example.com',
          ports: { http: 31443, 'grpc-api': 31443 },
        },
      ],
      exportTo: ['.'],
    };
    expect(rendered).toEqual({
      consumer: [
        {
          apiVersion: 'networking.istio.io/v1beta1',
          kind: 'ServiceEntry',
          metadata: perRequestMetadata('foo'),
          spec,
        },
        {
          apiVersion: 'networking.istio.io/v1beta1',
          kind: 'ServiceEntry',
          metadata: perRequestMetadata('baz'),
          spec,
        },
      ],
      exporter: [],
    });
  });

  it("dns-proxy: bounds the life of callers' connections to the host by the workload-certificate lifetime (ADR 0023), and sets no bound for 0", () => {
    const ruleOf = (maxConnectionDurationSeconds: number) =>
      renderExposure('dns-proxy', { ...input, maxConnectionDurationSeconds })
        .consumer.filter(o => o.kind === 'DestinationRule')
        .map(o => o.spec);
    expect(ruleOf(86_400)).toEqual([
      {
        host: 'svc-2.bar.global',
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL' },
          connectionPool: { tcp: { maxConnectionDuration: '86400s' } },
        },
      },
    ]);
    expect(ruleOf(0)).toEqual([
      {
        host: 'svc-2.bar.global',
        trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      },
    ]);
  });

  it('dns-proxy: adds an ISTIO_MUTUAL DestinationRule for the host, and the exporter ServiceEntry, Gateway and AuthorizationPolicy', () => {
    expect(
      renderExposure('dns-proxy', {
        ...input,
        localService: { name: 'svc-2-local', namespace: 'bar-prod' },
      }),
    ).toEqual({
      consumer: [
        {
          apiVersion: 'networking.istio.io/v1beta1',
          kind: 'ServiceEntry',
          metadata: perRequestMetadata('istio-system'),
          spec: consumerSpec,
        },
        {
          apiVersion: 'networking.istio.io/v1beta1',
          kind: 'DestinationRule',
          metadata: perRequestMetadata('istio-system'),
          spec: {
            host: 'svc-2.bar.global',
            trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
          },
        },
      ],
      exporter: [
        {
          apiVersion: 'networking.istio.io/v1beta1',
          kind: 'ServiceEntry',
          metadata: perRequestMetadata('istio-system'),
          spec: {
            hosts: ['svc-2.bar.global'],
            location: 'MESH_INTERNAL',
            ports: consumerSpec.ports,
            resolution: 'DNS',
            endpoints: [
              {
                address: 'svc-2-local.bar-prod.svc.cluster.local',
                labels: { 'security.istio.io/tlsMode': 'istio' },
              },
            ],
            exportTo: ['.'],
          },
        },
        {
          apiVersion: 'networking.istio.io/v1beta1',
          kind: 'Gateway',
          metadata: sharedMetadata('crossmesh-global-passthrough'),
          spec: {
            selector: { istio: 'ingressgateway' },
            servers: [
              {
                port: { number: 15443, name: 'tls', protocol: 'TLS' },
                hosts: ['*.global'],
                tls: { mode: 'AUTO_PASSTHROUGH' },
              },
            ],
          },
        },
        {
          apiVersion: 'security.istio.io/v1beta1',
          kind: 'AuthorizationPolicy',
          metadata: {
            ...sharedMetadata(name),
            namespace: 'bar-prod',
            annotations: { 'crossmesh.io/host': 'svc-2.bar.global' },
          },
          spec: {
            action: 'DENY',
            rules: [
              {
                // An exposure to whole clusters: only connections with no identity are refused.
                from: [{ source: { notPrincipals: ['*'] } }],
                when: [
                  { key: 'connection.sni', values: ['*.svc-2.bar.global'] },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it("dns-proxy: the exporter refuses the host's SNI from identities outside the admitted consumer namespaces", () => {
    const policy = (admitted: Partial<ExposureRenderInput> = {}) =>
      renderExposure('dns-proxy', { ...input, exportTo: ['foo'], ...admitted })
        .exporter[2];
    expect(policy().spec.rules).toEqual([
      {
        from: [{ source: { notPrincipals: ['cluster.local/ns/foo/sa/*'] } }],
        when: [{ key: 'connection.sni', values: ['*.svc-2.bar.global'] }],
      },
    ]);
    // Every live exposure's consumers of the host, in a stable order.
    expect(
      (policy({ admittedNamespaces: ['web', 'foo'] }).spec.rules as any)[0]
        .from,
    ).toEqual([
      {
        source: {
          notPrincipals: [
            'cluster.local/ns/foo/sa/*',
            'cluster.local/ns/web/sa/*',
          ],
        },
      },
    ]);
    expect(policy().metadata.namespace).toBe('bar');
    expect(() => policy({ admittedNamespaces: ['Not A Label'] })).toThrow(
      /admittedNamespaces\[0\]/,
    );
  });

  it('dns-proxy: the local Service defaults to the one the host names', () => {
    const { exporter } = renderExposure('dns-proxy', input);
    expect(exporter[0].spec.endpoints).toEqual([
      {
        address: 'svc-2.bar.svc.cluster.local',
        labels: { 'security.istio.io/tlsMode': 'istio' },
      },
    ]);
  });

  it('dns-proxy with consumer namespaces: a ServiceEntry and a DestinationRule in each, both exported to "."', () => {
    const { consumer } = renderExposure('dns-proxy', {
      ...input,
      exportTo: ['foo', 'baz'],
    });
    expect(
      consumer.map(o => [o.kind, o.metadata.namespace, o.spec.exportTo]),
    ).toEqual([
      ['ServiceEntry', 'foo', ['.']],
      ['DestinationRule', 'foo', ['.']],
      ['ServiceEntry', 'baz', ['.']],
      ['DestinationRule', 'baz', ['.']],
    ]);
    expect(consumer[1].spec).toEqual({
      host: 'svc-2.bar.global',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      exportTo: ['.'],
    });
  });

  it('multi-primary: no object on either side, and no gateway needed; the .global strategies still need one', () => {
    const { remoteGateway: _gateway, ...withoutGateway } = input;
    expect(renderExposure('multi-primary', withoutGateway)).toEqual({
      consumer: [],
      exporter: [],
    });
    expect(() => renderExposure('dns-proxy', withoutGateway)).toThrow(
      /remoteGateway\.address/,
    );
    // The request's own fields are checked all the same.
    expect(() =>
      renderExposure('multi-primary', { ...withoutGateway, ports: [] }),
    ).toThrow('ports must list at least one port');
  });

  it('renders the same objects every time', () => {
    expect(renderExposure('dns-proxy', input)).toEqual(
      renderExposure('dns-proxy', input),
    );
  });

  it.each<[string, Partial<ExposureRenderInput>, RegExp]>([
    [
      'a bad host',
      { host: 'svc-2.bar.local' },
      /^host 'svc-2.bar.local' is not a .global host/,
    ],
    [
      'a host with a newline',
      { host: 'svc\n.bar.global' },
      /^host 'svc\\u\{a\}.bar.global'/,
    ],
    [
      'a VIP in Istio’s range',
      { vip: '240.240.0.7' },
      /^vip "240.240.0.7" is not an address in 240.0.0.0\/4/,
    ],
    ['a VIP outside 240/4', { vip: '10.0.0.1' }, /^vip/],
    ['no ports', { ports: [] }, /^ports must list at least one port$/],
    [
      'a port name without protocol',
      { ports: [{ name: 'web', number: 80 }] },
      /^ports\[0\]\.name 'web' is not an Istio port name/,
    ],
    [
      'a port name with YAML in it',
      { ports: [{ name: 'http\n  x: y', number: 80 }] },
      /^ports\[0\]\.name 'http\\u\{a\} {2}x: y'/,
    ],
    [
      'a port out of range',
      { ports: [{ name: 'http', number: 70000 }] },
      /^ports\[0\]\.number 70000 is not a port number/,
    ],
    [
      'a protocol that disagrees with the name',
      { ports: [{ name: 'http', number: 80, protocol: 'TCP' }] },
      /^ports\[0\]\.protocol 'TCP' disagrees with the name 'http'/,
    ],
    [
      'an unknown protocol',
      { ports: [{ name: 'tcp', number: 53, protocol: 'UDP' }] },
      /^ports\[0\]\.protocol 'UDP' is not a protocol Istio knows/,
    ],
    [
      'duplicate port names',
      {
        ports: [
          { name: 'http', number: 80 },
          { name: 'http', number: 81 },
        ],
      },
      /^ports\.name\[1\] "http" is listed twice$/,
    ],
    [
      'duplicate port numbers',
      {
        ports: [
          { name: 'http', number: 80 },
          { name: 'tcp', number: 80 },
        ],
      },
      /^ports\.number\[1\] 80 is listed twice$/,
    ],
    [
      'a bad consumer namespace',
      { exportTo: ['foo', 'Foo_Bar'] },
      /^exportTo\[1\] 'Foo_Bar' is not a DNS-1123 label: lower-case letters/,
    ],
    [
      '"*" as a consumer namespace',
      { exportTo: ['*'] },
      /^exportTo\[0\] '\*' is not a DNS-1123 label/,
    ],
    [
      'a duplicate consumer namespace',
      { exportTo: ['foo', 'foo'] },
      /^exportTo\[1\] "foo" is listed twice$/,
    ],
    [
      'a gateway address with a port',
      { remoteGateway: { address: '192.0.2.1:15443', port: 15443 } },
      /^remoteGateway\.address '192.0.2.1:15443' is not a DNS-1123 subdomain/,
    ],
    [
      'a gateway port of 0',
      { remoteGateway: { address: '192.0.2.1', port: 0 } },
      /^remoteGateway\.port 0 is not a port number/,
    ],
    [
      'a bad local service',
      { localService: { name: 'svc', namespace: 'a b' } },
      /^localService\.namespace 'a b' is not a DNS-1123 label/,
    ],
    [
      'an empty request id',
      { requestId: '' },
      /^requestId must be a non-empty string$/,
    ],
  ])('refuses %s', (_, change, message) => {
    let error: unknown;
    try {
      renderExposure('dns-proxy', { ...input, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
  });

  it('lists every problem at once', () => {
    expect(() =>
      renderExposure('legacy-global', {
        ...input,
        host: 'x',
        vip: '1.2.3.4',
      }),
    ).toThrow(/^host 'x' .*; vip "1.2.3.4" /);
  });

  it('refuses an unknown strategy', () => {
    expect(() => renderExposure('istiocoredns' as any, input)).toThrow(
      "Unknown mesh strategy 'istiocoredns'",
    );
  });
});

describe('toYaml', () => {
  it('writes one YAML document per object that parses back to the same objects', () => {
    const { consumer, exporter } = renderExposure('dns-proxy', {
      ...input,
      exportTo: ['foo'],
    });
    const text = toYaml([...consumer, ...exporter]);
    const documents = parseAllDocuments(text);
    expect(documents.map(d => d.toJS())).toEqual([...consumer, ...exporter]);
    expect(documents.every(d => d.errors.length === 0)).toBe(true);
  });

  it('shows the ServiceEntry the way the Istio docs write it', () => {
    const [serviceEntry] = renderExposure('legacy-global', input).consumer;
    expect(toYaml([serviceEntry])).toBe(`apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata:
  name: ${name}
  namespace: istio-system
  labels:
    app.kubernetes.io/managed-by: crossmesh
    crossmesh.io/request-id: ${requestId}
  annotations:
    crossmesh.io/host: svc-2.bar.global
spec:
  hosts:
    - svc-2.bar.global
  location: MESH_INTERNAL
  ports:
    - number: 8000
      name: http
      protocol: HTTP
    - number: 9000
      name: grpc-api
      protocol: GRPC
  resolution: DNS
  addresses:
    - 240.0.0.2
  endpoints:
    - address: 192.0.2.11
      ports:
        http: 15443
        grpc-api: 15443
`);
    expect(parse(toYaml([serviceEntry]))).toEqual(serviceEntry);
  });

  it('writes nothing for no objects', () => {
    expect(toYaml([])).toBe('');
  });
});
