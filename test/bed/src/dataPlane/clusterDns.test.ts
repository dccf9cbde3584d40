import { corednsConfigMap } from '../seedCluster';
import { corefileForBed } from './clusterDns';

const placement = {
  address: '198.18.7.3',
  kubeconfigPath: '/state/clusters/cluster-2/kubeconfig.yaml',
  kubeconfigContext: 'cluster-2',
  upstreamPort: 40123,
};

describe('corefileForBed', () => {
  const kubeadm = (corednsConfigMap() as any).data.Corefile as string;

  it('places the cluster’s Corefile on the bed and leaves every other line as it is', () => {
    const placed = corefileForBed(kubeadm, placement).split('\n');
    expect(placed.slice(0, 4)).toEqual([
      '.:53 {',
      '    bind 198.18.7.3',
      '    errors',
      '    health 198.18.7.3:8080 {',
    ]);
    expect(placed).toContain('    ready 198.18.7.3:8181');
    expect(placed).toContain('    prometheus 198.18.7.3:9153');
    expect(placed).toContain('    forward . 127.0.0.1:40123 {');
    const kubernetes = placed.findIndex(line => /^\s*kubernetes /.test(line));
    expect(placed[kubernetes + 1].trim()).toBe(
      'kubeconfig /state/clusters/cluster-2/kubeconfig.yaml cluster-2',
    );
    // Nothing else changed: every original line is still there, in order, before the stand-in.
    const cluster = placed.slice(0, placed.indexOf('.:40123 {'));
    const originals = kubeadm.split('\n').filter(Boolean);
    const rewritten = /^\s*(health|ready|prometheus|forward)\b/;
    expect(cluster.filter(line => originals.includes(line))).toEqual(
      originals.filter(line => !rewritten.test(line)),
    );
  });

  it('binds every server block, crossmesh’s own included, and answers unknown names with NXDOMAIN locally', () => {
    const withGlobal = `${kubeadm.trimEnd()}\nglobal:53 {\n    errors\n    cache 30\n    forward . 10.96.0.53:53\n}\n`;
    const placed = corefileForBed(withGlobal, placement);
    expect(placed).toContain('global:53 {\n    bind 198.18.7.3\n    errors');
    expect(placed).toContain('    forward . 10.96.0.53:53');
    expect(placed.trimEnd().split('\n').slice(-6)).toEqual([
      '.:40123 {',
      '    bind 127.0.0.1',
      '    template ANY ANY {',
      '        rcode NXDOMAIN',
      '    }',
      '}',
    ]);
  });
});
