import { parse, parseAllDocuments } from 'yaml';
import { ensureGlobalServerBlock } from '../dns/corefile';
import { planDnsFileChange } from './dnsProposal';
import { fixtureText } from '../../__testUtils__/dnsFixtures';

const FILE = 'clusters/cluster-1/kube-system/coredns.yaml';
const kubeadm = fixtureText('kubeadm.yaml');
const plan = (
  text: string,
  want: Parameters<typeof planDnsFileChange>[0]['want'],
) => planDnsFileChange({ cluster: 'cluster-1', file: FILE, text, want });

describe('planDnsFileChange', () => {
  it("proposes the whole file with the direct wiring's Corefile edit, every other byte as it was", () => {
    const text = `${kubeadm}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x # kept\n`;
    const change = plan(text, { forwardTo: '10.96.0.53' });
    if (change.kind !== 'propose') throw new Error('no proposal');
    const corefile = parse(kubeadm).data.Corefile;
    const wanted = ensureGlobalServerBlock(corefile, '10.96.0.53').corefile;
    expect(change.corefile).toBe(wanted);
    expect(parseAllDocuments(change.content)[0].toJS().data.Corefile).toBe(
      wanted,
    );
    expect(change.content.startsWith(text.split('  Corefile: |')[0])).toBe(
      true,
    );
    expect(change.content).toContain('  Corefile: |\n    .:53 {');
    expect(change.content.endsWith('  name: x # kept\n')).toBe(true);
    expect(change.head).toMatch(
      /^crossmesh-dns\/cluster-1\/[0-9a-f]{12}-[0-9a-f]{12}$/,
    );
    expect(change.title).toBe(
      'crossmesh: forward .global names to istiocoredns in cluster-1',
    );
    // The same edit of the same file: the same branch, so a second pass finds its pull request.
    expect(plan(text, { forwardTo: '10.96.0.53' })).toEqual(change);

    // Once Git holds it there is nothing to propose; unwiring gives the file back.
    expect(plan(change.content, { forwardTo: '10.96.0.53' })).toEqual({
      kind: 'in-git',
      corefile: wanted,
    });
    const removal = plan(change.content, 'none');
    if (removal.kind !== 'propose') throw new Error('no removal');
    expect(removal.content).toBe(text);
    expect(removal.title).toBe(
      'crossmesh: stop forwarding .global names in cluster-1',
    );
    expect(plan(text, 'none')).toEqual({ kind: 'in-git', corefile });
  });

  it.each([
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: kube-system\n',
      'holds no ConfigMap kube-system/coredns',
    ],
    [
      kubeadm.replace('namespace: kube-system', 'namespace: dns'),
      'holds no ConfigMap kube-system/coredns',
    ],
    [`${kubeadm}---\n${kubeadm}`, 'holds 2 ConfigMap kube-system/coredns'],
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coredns\n  namespace: kube-system\ndata: {}\n',
      'holds ConfigMap kube-system/coredns without a data.Corefile string',
    ],
    ['kind: [ConfigMap\n', 'is not valid YAML'],
  ])(
    'refuses a file that is not the ConfigMap, naming the setting (%#)',
    (text, what) => {
      expect(() => plan(text, { forwardTo: '10.96.0.53' })).toThrow(
        expect.objectContaining({
          name: 'InputError',
          message: expect.stringContaining(`${FILE} ${what}`),
        }),
      );
      expect(() => plan(text, { forwardTo: '10.96.0.53' })).toThrow(
        'point it at the file that holds ConfigMap kube-system/coredns',
      );
    },
  );

  it('refuses, as the direct wiring does, a hand-written global block that forwards elsewhere', () => {
    const text = `${kubeadm}    global:53 {\n        forward . 10.0.0.9\n    }\n`;
    expect(() => plan(text, { forwardTo: '10.96.0.53' })).toThrow(
      expect.objectContaining({ name: 'ConflictError' }),
    );
  });
});
