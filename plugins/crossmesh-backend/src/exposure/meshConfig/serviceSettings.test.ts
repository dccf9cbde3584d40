import { parse } from 'yaml';
import {
  editServiceSettings,
  MeshConfigConflictError,
} from './serviceSettings';

/** The `mesh` key of istio-system/istio as a default install writes it (shape of Istio 1.2x). */
const DEFAULT_INSTALL = `defaultConfig:
  discoveryAddress: istiod.istio-system.svc:15012
  tracing:
    zipkin:
      address: zipkin.istio-system:9411
defaultProviders:
  metrics:
  - prometheus
enablePrometheusMerge: true
rootNamespace: istio-system
trustDomain: cluster.local
`;

/** istio-system/istio-1-22 of a revision-tagged install: comments, 4-space lists, no newline at the end. */
const REVISION_TAGGED = `# revision 1-22, installed with istioctl --revision 1-22
defaultConfig:
    discoveryAddress: istiod-1-22.istio-system.svc:15012
    proxyMetadata:
        ISTIO_META_DNS_CAPTURE: "true"   # the DNS proxy
defaultProviders:
    metrics:
        - prometheus
rootNamespace: istio-system
trustDomain: cluster.local`;

/** A mesh config whose serviceSettings someone wrote by hand. */
const HAND_WRITTEN = `defaultConfig:
  discoveryAddress: istiod.istio-system.svc:15012
serviceSettings:
  # the payments team's services never leave their cluster
  - settings:
      clusterLocal: true
    hosts:
      - "*.payments.svc.cluster.local"
  - settings:
      clusterLocal: false
    hosts:
      - shared.tools.svc.cluster.local
trustDomain: cluster.local
`;

const desired = {
  clusterLocal: ['*.svc.cluster.local'],
  global: ['svc-2.bar.svc.cluster.local'],
};

/** The text with crossmesh's lines taken out: what must equal the original, byte for byte. */
function withoutCrossmesh(text: string): string {
  const lines = text.split('\n');
  const begin = lines.findIndex(l => l.includes('# crossmesh:begin'));
  const end = lines.findIndex(l => l.includes('# crossmesh:end'));
  const keyAdded =
    lines[begin - 1] === 'serviceSettings: # added by crossmesh' ? 1 : 0;
  return [...lines.slice(0, begin - keyAdded), ...lines.slice(end + 1)].join(
    '\n',
  );
}

describe('editServiceSettings', () => {
  it.each([
    ['a default install', DEFAULT_INSTALL],
    ['a revision-tagged install', REVISION_TAGGED],
    ['hand-written serviceSettings', HAND_WRITTEN],
  ])(
    'adds its entries to the mesh config of %s and keeps every other byte',
    (_, original) => {
      const edit = editServiceSettings(original, desired);
      expect(edit.changed).toBe(true);
      expect(withoutCrossmesh(edit.text)).toBe(original);

      const mesh = parse(edit.text);
      expect(mesh.serviceSettings).toEqual(
        expect.arrayContaining([
          { settings: { clusterLocal: true }, hosts: ['*.svc.cluster.local'] },
          {
            settings: { clusterLocal: false },
            hosts: ['svc-2.bar.svc.cluster.local'],
          },
        ]),
      );
      // Again with the same wish: nothing to write.
      expect(editServiceSettings(edit.text, desired)).toEqual({
        text: edit.text,
        changed: false,
        alreadyByHand: [],
      });
      // Nothing wished any more: back to the original, byte for byte.
      expect(
        editServiceSettings(edit.text, { clusterLocal: [], global: [] }).text,
      ).toBe(original);
    },
  );

  it('keeps hand-written entries beside its own, at their indentation', () => {
    const { text } = editServiceSettings(HAND_WRITTEN, desired);
    expect(parse(text).serviceSettings).toEqual([
      { settings: { clusterLocal: true }, hosts: ['*.svc.cluster.local'] },
      {
        settings: { clusterLocal: false },
        hosts: ['svc-2.bar.svc.cluster.local'],
      },
      {
        settings: { clusterLocal: true },
        hosts: ['*.payments.svc.cluster.local'],
      },
      {
        settings: { clusterLocal: false },
        hosts: ['shared.tools.svc.cluster.local'],
      },
    ]);
    expect(text).toContain(
      '  # crossmesh:begin serviceSettings managed by crossmesh (Backstage); change exposures there, not here\n  - settings:\n      clusterLocal: true\n    hosts:\n      - "*.svc.cluster.local"',
    );
  });

  it('moves a global host in and out with the approvals, in place', () => {
    const one = editServiceSettings(DEFAULT_INSTALL, desired).text;
    const two = editServiceSettings(one, {
      ...desired,
      global: ['svc-3.baz.svc.cluster.local', 'svc-2.bar.svc.cluster.local'],
    }).text;
    expect(parse(two).serviceSettings[1].hosts).toEqual([
      'svc-2.bar.svc.cluster.local',
      'svc-3.baz.svc.cluster.local',
    ]);
    expect(
      editServiceSettings(two, { ...desired, global: [] }).text,
    ).not.toContain('svc-2.bar');
    // Something appended by hand after crossmesh's entries stays after them.
    const appended = `${one}meshMTLS:\n  minProtocolVersion: TLSV1_3\n`;
    const again = editServiceSettings(appended, desired);
    expect(again.changed).toBe(false);
  });

  it('recognises a hand-written host that already sets what it wants, and does not repeat it', () => {
    const edit = editServiceSettings(HAND_WRITTEN, {
      clusterLocal: ['*.svc.cluster.local'],
      global: ['shared.tools.svc.cluster.local'],
    });
    expect(edit.alreadyByHand).toEqual([
      { host: 'shared.tools.svc.cluster.local', clusterLocal: false, line: 12 },
    ]);
    expect(parse(edit.text).serviceSettings).toHaveLength(3);
    // Lines are those of the mesh config as it is, crossmesh's entries included.
    expect(
      editServiceSettings(edit.text, {
        clusterLocal: ['*.svc.cluster.local'],
        global: ['shared.tools.svc.cluster.local'],
      }).alreadyByHand,
    ).toEqual([
      { host: 'shared.tools.svc.cluster.local', clusterLocal: false, line: 18 },
    ]);
  });

  it('refuses a hand-written host set the other way, naming its line and the fix, and writes nothing', () => {
    expect(() =>
      editServiceSettings(HAND_WRITTEN, {
        clusterLocal: ['*.svc.cluster.local'],
        global: ['*.payments.svc.cluster.local'],
      }),
    ).toThrow(
      new MeshConfigConflictError(
        "The mesh config sets *.payments.svc.cluster.local clusterLocal: true by hand on line 8, and crossmesh must set it false (an exposure of it is approved); remove *.payments.svc.cluster.local from that entry, and crossmesh's entry takes its place",
      ),
    );
  });

  it('refuses serviceSettings written in one line, and a mesh config that is not YAML', () => {
    expect(() =>
      editServiceSettings(
        'serviceSettings: [{settings: {clusterLocal: true}, hosts: ["*.x"]}]\n',
        desired,
      ),
    ).toThrow(
      /^serviceSettings on line 1 is written in one line \(\[\{settings.*\); write it as a block list/,
    );
    expect(
      parse(editServiceSettings('serviceSettings: []\n', desired).text)
        .serviceSettings,
    ).toHaveLength(2);
    expect(() =>
      editServiceSettings('defaultConfig:\n  a: [\n', desired),
    ).toThrow(/^The mesh config is not valid YAML \(line \d+: /);
    expect(() =>
      editServiceSettings(
        'serviceSettings:\n  # crossmesh:begin x\n  - settings: {}\n',
        desired,
      ),
    ).toThrow(
      "The mesh config has '# crossmesh:begin' on line 2 but no '# crossmesh:end' after it; restore the line '# crossmesh:end' after crossmesh's entries, or remove crossmesh's entries and both markers",
    );
  });
});
