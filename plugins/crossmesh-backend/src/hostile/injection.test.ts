import { InputError } from '@backstage/errors';
import {
  validateDns1123Label,
  validateLabelValue,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { parseAllDocuments } from 'yaml';
import { ensureGlobalCustomServer } from '../exposure/dns/corednsCustom';
import {
  ensureGlobalServerBlock,
  findGlobalServerBlocks,
  renderGlobalServerBlock,
} from '../exposure/dns/corefile';
import { parseCorefile } from '../exposure/dns/corefileSyntax';
import { ensureGlobalStubDomain } from '../exposure/dns/stubDomains';
import {
  objectNameForHost,
  renderExposure,
  requestIdLabelValue,
  toYaml,
} from '../exposure/render';
import type { ExposureRenderInput } from '../exposure/render';
import {
  ExposureRequestInput,
  validateRequestInput,
} from '../exposure/workflow/validateRequestInput';
import { ENTITIES } from './__testUtils__/hostileBackend';
import {
  HOSTILE_FREE_TEXT,
  hostileNameCases,
  RAW_CONTROL,
} from './__testUtils__/hostileStrings';

const NOW = new Date('2026-11-25T12:00:00Z');
const CLUSTERS = ['cluster-1', 'cluster-2', 'cluster-3'];
const bare = ENTITIES.find(e => e.metadata.name === 'svc-bare')!;
const evil = ENTITIES.find(e => e.metadata.name === 'svc-evil')!;

const VALID: ExposureRequestInput = {
  entityRef: 'component:default/svc-bare',
  service: {
    name: 'svc-2',
    namespace: 'bar',
    ports: [{ name: 'http', number: 8000 }],
  },
  sourceCluster: 'cluster-2',
  consumerClusters: ['cluster-1'],
  consumerNamespaces: ['shop'],
  reason: 'checkout calls it',
};

/** The InputError message `fn` throws; fails when it throws anything else or nothing. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected an InputError, but the input was accepted');
}

/** A request input with `value` at one place. */
const placements: Record<
  string,
  { rule: RegExp; put: (value: string) => ExposureRequestInput }
> = {
  'service.name': {
    rule: /is not a DNS-1123 label: lower-case letters, digits and '-'/,
    put: v => ({ ...VALID, service: { ...VALID.service, name: v } }),
  },
  'service.namespace': {
    rule: /is not a DNS-1123 label: lower-case letters, digits and '-'/,
    put: v => ({ ...VALID, service: { ...VALID.service, namespace: v } }),
  },
  'consumerNamespaces[0]': {
    rule: /is not a DNS-1123 label: lower-case letters, digits and '-'/,
    put: v => ({ ...VALID, consumerNamespaces: [v] }),
  },
  'service.ports[0].name': {
    rule: /is not an Istio port name: must be '<protocol>' or '<protocol>-<suffix>'/,
    put: v => ({
      ...VALID,
      service: { ...VALID.service, ports: [{ name: v, number: 8000 }] },
    }),
  },
  sourceCluster: {
    rule: /is not a cluster of the mesh; known clusters: cluster-1, cluster-2, cluster-3/,
    put: v => ({ ...VALID, sourceCluster: v }),
  },
  'consumerClusters[0]': {
    rule: /is not a cluster of the mesh; known clusters: cluster-1, cluster-2, cluster-3/,
    put: v => ({ ...VALID, consumerClusters: [v] }),
  },
};

describe('names, namespaces, port names and cluster names', () => {
  it('accept the valid request the cases below start from', () => {
    expect(validateRequestInput(VALID, bare, CLUSTERS, NOW).host).toBe(
      'svc-2.bar.global',
    );
  });

  describe.each(Object.entries(placements))('in %s', (field, { rule, put }) => {
    it.each(hostileNameCases)(
      'refuse %s, naming the field and the rule, with the value escaped',
      (_, value) => {
        const message = refusal(() =>
          validateRequestInput(put(value), bare, CLUSTERS, NOW),
        );
        expect(message).toMatch(/^The exposure request is not valid: /);
        expect(message).toContain(`${field} '`);
        expect(message).toMatch(rule);
        expect(message).not.toMatch(RAW_CONTROL);
        expect(message.length).toBeLessThan(1000);
      },
    );
  });

  it("refuse the same strings when they come from the entity's annotations", () => {
    const message = refusal(() =>
      validateRequestInput(
        {
          entityRef: 'component:default/svc-evil',
          consumerClusters: ['cluster-1'],
          reason: 'x',
        },
        evil,
        CLUSTERS,
        NOW,
      ),
    );
    expect(message).toContain(
      "service.name 'svc-evil\\u{a}kind: Secret' is not a DNS-1123 label",
    );
    expect(message).toContain(
      "service.ports[1].name 'tcp-x}\\u{a}import /etc' is not an Istio port name",
    );
    expect(message).not.toMatch(RAW_CONTROL);
  });
});

describe('free text (reason)', () => {
  it('is kept exactly as written, apart from surrounding white space', () => {
    const valid = validateRequestInput(
      { ...VALID, reason: `  ${HOSTILE_FREE_TEXT}\n` },
      bare,
      CLUSTERS,
      NOW,
    );
    expect(valid.reason).toBe(HOSTILE_FREE_TEXT);
  });

  it('is refused past 2000 characters, saying so', () => {
    expect(
      refusal(() =>
        validateRequestInput(
          { ...VALID, reason: 'x'.repeat(2001) },
          bare,
          CLUSTERS,
          NOW,
        ),
      ),
    ).toContain('reason is longer than 2000 characters');
  });
});

const RENDER: ExposureRenderInput = {
  requestId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  host: 'svc-2.bar.global',
  vip: '240.0.0.2',
  ports: [{ name: 'http', number: 8000 }],
  exportTo: ['shop'],
  remoteGateway: { address: '192.0.2.11', port: 15443 },
  localService: { name: 'svc-2', namespace: 'bar' },
};

describe('ServiceEntry, DestinationRule and Gateway rendering', () => {
  const renderPlacements: Record<
    string,
    (value: string) => ExposureRenderInput
  > = {
    host: v => ({ ...RENDER, host: v }),
    'exportTo[0]': v => ({ ...RENDER, exportTo: [v] }),
    'ports[0].name': v => ({ ...RENDER, ports: [{ name: v, number: 8000 }] }),
    'remoteGateway.address': v => ({
      ...RENDER,
      remoteGateway: { address: v, port: 15443 },
    }),
    'localService.name': v => ({
      ...RENDER,
      localService: { name: v, namespace: 'bar' },
    }),
    'localService.namespace': v => ({
      ...RENDER,
      localService: { name: 'svc-2', namespace: v },
    }),
  };

  describe.each(Object.entries(renderPlacements))('%s', (field, put) => {
    it.each(
      hostileNameCases.filter(
        // A 64-character name is a valid DNS subdomain (hosts, gateway addresses).
        ([, v]) => !(field === 'remoteGateway.address' && v === 'a'.repeat(64)),
      ),
    )('refuses %s', (_, value) => {
      const message = refusal(() => renderExposure('dns-proxy', put(value)));
      expect(message).toContain(`${field} '`);
      expect(message).not.toMatch(RAW_CONTROL);
    });
  });

  it('labels objects with a valid label value, whatever the request id', () => {
    for (const [, id] of hostileNameCases) {
      const label = requestIdLabelValue(id);
      expect(validateLabelValue(label, 'label')).toEqual({ ok: true });
      const { consumer } = renderExposure('legacy-global', {
        ...RENDER,
        requestId: id,
      });
      expect(consumer[0].metadata.labels['crossmesh.io/request-id']).toBe(
        label,
      );
    }
  });

  it('names objects with a DNS-1123 label for every valid host', () => {
    for (const host of [
      'a.b.global',
      `${'a'.repeat(63)}.${'b'.repeat(63)}.global`,
      '0-0.0-0.global',
    ]) {
      expect(validateDns1123Label(objectNameForHost(host), 'name')).toEqual({
        ok: true,
      });
    }
  });

  it('writes YAML that parses back to exactly the objects, one document each, whatever the strings in them', () => {
    const objects = [
      ...renderExposure('dns-proxy', RENDER).consumer,
      ...hostileNameCases.map(([description, value]) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', annotations: { [description]: value } },
        data: { [value]: value },
      })),
      { kind: 'Note', text: HOSTILE_FREE_TEXT },
    ];
    const documents = parseAllDocuments(toYaml(objects));
    expect(documents.map(d => d.errors)).toEqual(objects.map(() => []));
    expect(documents.map(d => d.toJS())).toEqual(objects);
  });
});

describe('Corefile and kube-dns edits', () => {
  const HOSTILE_ADDRESSES = [
    ...hostileNameCases.map(([, v]) => v),
    '1.2.3.4\n}',
    '1.2.3.4 }',
    '1.2.3.4}\nimport /etc/passwd',
    '1.2.3.4 1.2.3.5',
    '1.2.3.4:53',
    'dns://1.2.3.4',
    'fe80::1%eth0',
    '[fd00::1]',
    '1.2.3.4"',
    '1.2.3.4\u0000',
    '١.٢.٣.٤',
  ];
  const KUBEADM = `.:53 {\n    errors\n    forward . /etc/resolv.conf\n}\n`;

  it.each(HOSTILE_ADDRESSES.map(a => [JSON.stringify(a).slice(0, 60), a]))(
    'refuses %s as the istiocoredns address, in the Corefile, coredns-custom and stubDomains',
    (_, address) => {
      for (const edit of [
        () => renderGlobalServerBlock(address),
        () => ensureGlobalServerBlock(KUBEADM, address),
        () => ensureGlobalCustomServer({}, address),
        () => ensureGlobalStubDomain({}, address),
      ]) {
        const message = refusal(edit);
        expect(message).toMatch(/is not an IPv4 or IPv6 address/);
      }
    },
  );

  it('adds exactly one server block, with the address and nothing else, after the original bytes', () => {
    const { corefile } = ensureGlobalServerBlock(KUBEADM, '10.96.0.53');
    expect(corefile.startsWith(KUBEADM)).toBe(true);
    expect(parseCorefile(corefile).entries).toHaveLength(2);
    expect(findGlobalServerBlocks(corefile)).toEqual([
      expect.objectContaining({
        managed: true,
        keys: ['global:53'],
        forwardTo: ['10.96.0.53:53'],
      }),
    ]);
  });

  it('does not mistake a hostile-looking comment or string in the Corefile for a block', () => {
    const tricky = `# global:53 { forward . 6.6.6.6 }\n.:53 {\n    errors\n    template ANY ANY "global:53 { forward . 6.6.6.6 }"\n    forward . /etc/resolv.conf\n}\n`;
    const { corefile, action } = ensureGlobalServerBlock(tricky, '10.96.0.53');
    expect(action).toBe('added');
    expect(corefile.startsWith(tricky)).toBe(true);
    expect(findGlobalServerBlocks(corefile)).toEqual([
      expect.objectContaining({
        managed: true,
        keys: ['global:53'],
        forwardTo: ['10.96.0.53:53'],
      }),
    ]);
  });
});
