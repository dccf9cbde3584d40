import { parse, parseAllDocuments } from 'yaml';
import { renderExposure } from '../render';
import {
  gitFileName,
  readGitTree,
  renderGitTree,
  treeChanges,
} from './gitTree';

const rendered = renderExposure('dns-proxy', {
  requestId: '6f1c2a4e-0000-4000-8000-000000000001',
  host: 'svc-2.bar.global',
  vip: '240.0.0.7',
  ports: [{ name: 'http', number: 8000 }],
  remoteGateway: { address: '172.18.0.3', port: 15443 },
});

describe('renderGitTree', () => {
  it('writes each object to a file of its own, named by kind, namespace and name, and a kustomization listing them', () => {
    const tree = renderGitTree(rendered.consumer);
    const files = [...tree.keys()];
    expect(files[0]).toBe('kustomization.yaml');
    const objectFiles = files.slice(1);
    expect(objectFiles).toEqual(rendered.consumer.map(gitFileName).sort());
    expect(objectFiles).toContain(
      `serviceentry.${rendered.consumer[0].metadata.namespace}.${rendered.consumer[0].metadata.name}.yaml`,
    );

    const kustomization = tree.get('kustomization.yaml')!;
    expect(kustomization.startsWith('# Written by crossmesh')).toBe(true);
    expect(parse(kustomization)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: objectFiles,
    });
    // Together the files hold exactly the objects rendered, one document each.
    const fromFiles = objectFiles.flatMap(file =>
      parseAllDocuments(tree.get(file)!).map(d => d.toJSON()),
    );
    expect(fromFiles).toHaveLength(rendered.consumer.length);
    expect(fromFiles).toEqual(
      expect.arrayContaining(
        rendered.consumer.map(o => JSON.parse(JSON.stringify(o))),
      ),
    );
  });

  it('gives the same bytes for the same objects in any order', () => {
    const forward = renderGitTree(rendered.exporter);
    const backward = renderGitTree([...rendered.exporter].reverse());
    expect([...backward]).toEqual([...forward]);
  });

  it('refuses a Secret, whatever it holds: key material never goes to Git', () => {
    const cacerts = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cacerts', namespace: 'istio-system' },
    };
    expect(() => renderGitTree([...rendered.consumer, cacerts])).toThrow(
      expect.objectContaining({
        name: 'NotAllowedError',
        message:
          'Secret istio-system/cacerts would go to Git; crossmesh writes Secrets to clusters directly and never commits them',
      }),
    );
  });

  it('refuses two objects that would share a file', () => {
    const twice = [rendered.consumer[0], rendered.consumer[0]];
    expect(() => renderGitTree(twice)).toThrow(
      /^two objects would be written to serviceentry\..*\.yaml; every object needs its own kind, namespace and name$/,
    );
  });

  it('keeps the kustomization when no object is left: Flux neither applies nor prunes a folder that is gone', () => {
    const empty = renderGitTree([]);
    expect([...empty.keys()]).toEqual(['kustomization.yaml']);
    expect(parse(empty.get('kustomization.yaml')!).resources).toEqual([]);
  });

  it('names a cluster-scoped object by kind and name', () => {
    expect(
      gitFileName({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'bar' },
      }),
    ).toBe('namespace.bar.yaml');
  });
});

describe('treeChanges', () => {
  const current = new Map([
    ['kustomization.yaml', 'a'],
    ['kept.yaml', 'same'],
    ['changed.yaml', 'old'],
    ['gone.yaml', 'x'],
  ]);

  it('writes new and changed files and removes the ones no longer wanted, each sorted', () => {
    const desired = new Map([
      ['kustomization.yaml', 'b'],
      ['kept.yaml', 'same'],
      ['changed.yaml', 'new'],
      ['added.yaml', 'y'],
    ]);
    expect(treeChanges(current, desired)).toEqual({
      write: [
        { file: 'added.yaml', content: 'y' },
        { file: 'changed.yaml', content: 'new' },
        { file: 'kustomization.yaml', content: 'b' },
      ],
      remove: ['gone.yaml'],
    });
  });

  it('changes nothing when the folder already holds what is wanted', () => {
    expect(treeChanges(current, new Map(current))).toEqual({
      write: [],
      remove: [],
    });
  });
});

describe('readGitTree', () => {
  it('reads back exactly the objects a folder was rendered from', () => {
    const objects = rendered.consumer;
    expect(readGitTree(renderGitTree(objects))).toEqual(
      expect.arrayContaining(objects),
    );
    expect(readGitTree(renderGitTree(objects))).toHaveLength(objects.length);
  });

  it('skips the kustomization, files that are not YAML and documents that are not objects', () => {
    const files = new Map([
      ['kustomization.yaml', 'resources: []\n'],
      ['README.md', '# notes\n'],
      ['broken.yaml', 'kind: [\n'],
      ['list.yaml', '- a\n- b\n'],
    ]);
    expect(readGitTree(files)).toEqual([]);
  });
});
