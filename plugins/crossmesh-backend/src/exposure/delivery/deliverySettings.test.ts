import { ConfigReader } from '@backstage/config';
import { readDeliverySettings } from './deliverySettings';

const integrations = {
  gitea: [
    {
      host: 'gitea.example.net',
      baseUrl: 'https://gitea.example.net/git',
      username: 'crossmesh',
      password: 'token',
    },
  ],
  github: [{ host: 'github.com' }],
};

function read(clusters: object[]) {
  return readDeliverySettings(
    new ConfigReader({ integrations, crossmesh: { delivery: { clusters } } }),
    ['cluster-1', 'cluster-2'],
  );
}

describe('readDeliverySettings', () => {
  it('delivers every cluster directly unless it is configured otherwise', () => {
    const settings = readDeliverySettings(new ConfigReader({}), ['cluster-1']);
    expect(settings.of('cluster-1')).toEqual({ mode: 'direct' });
    expect(settings.gitClusters()).toEqual([]);
  });

  it("reads the file of the repository that holds a Git cluster's CoreDNS ConfigMap", () => {
    const git = read([
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh',
        path: 'clusters/cluster-1/crossmesh',
        dnsFile: 'clusters//cluster-1/kube-system/coredns.yaml',
      },
    ]).of('cluster-1');
    expect(git).toMatchObject({
      dnsFile: 'clusters/cluster-1/kube-system/coredns.yaml',
    });
  });

  it('reads a cluster delivered through a Gitea repository, with its defaults', () => {
    const settings = read([
      {
        cluster: 'cluster-2',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh.git',
      },
      { cluster: 'cluster-1', mode: 'direct' },
    ]);
    expect(settings.of('cluster-2')).toEqual({
      mode: 'git',
      repository: {
        url: 'https://gitea.example.net/git/platform/mesh',
        provider: 'gitea',
        host: 'gitea.example.net',
        owner: 'platform',
        name: 'mesh',
      },
      branch: 'main',
      path: 'cluster-2',
      merge: 'reviewers',
      token: 'token',
    });
    expect(settings.of('cluster-1')).toEqual({ mode: 'direct' });
    expect(settings.gitClusters()).toEqual(['cluster-2']);

    const explicit = read([
      {
        cluster: 'cluster-2',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh',
        branch: 'release/mesh',
        path: 'clusters//cluster-2/',
        merge: 'auto',
        kustomization: 'flux-system/mesh',
      },
    ]).of('cluster-2');
    expect(explicit).toMatchObject({
      branch: 'release/mesh',
      path: 'clusters/cluster-2',
      merge: 'auto',
      kustomization: { namespace: 'flux-system', name: 'mesh' },
    });
  });

  it.each([
    [
      { cluster: 'cluster-9', mode: 'git' },
      "crossmesh.delivery.clusters[0].cluster is 'cluster-9', which is not a cluster of kubernetes.clusterLocatorMethods; name one of cluster-1, cluster-2",
    ],
    [
      { cluster: 'cluster-1', mode: 'flux' },
      "crossmesh.delivery.clusters[0].mode is 'flux'; use 'direct' or 'git'",
    ],
    [
      { cluster: 'cluster-1', mode: 'git', repository: 'gitea/platform/mesh' },
      "crossmesh.delivery.clusters[0].repository is 'gitea/platform/mesh', which is not a URL; give the repository's web address, e.g. https://gitea.example.net/platform/mesh",
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://git.other.net/platform/mesh',
      },
      "crossmesh.delivery.clusters[0].repository: no entry of integrations matches host git.other.net; add one under integrations.gitea with crossmesh's token",
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://github.com/platform/mesh',
      },
      'crossmesh.delivery.clusters[0].repository: github.com is a github integration, and crossmesh opens pull requests on Gitea only so far',
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform',
      },
      "crossmesh.delivery.clusters[0].repository is 'https://gitea.example.net/git/platform'; give the repository's address as https://gitea.example.net/git/<owner>/<repository>",
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh',
        path: 'clusters/../secrets',
      },
      "crossmesh.delivery.clusters[0].path is 'clusters/../secrets'; give a folder inside the repository, relative to its root and without '.' or '..', e.g. clusters/cluster-2/crossmesh",
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh',
        branch: 'main..x',
      },
      "crossmesh.delivery.clusters[0].branch is 'main..x', which is not a branch name crossmesh can use (letters, digits, '.', '_', '-' and '/', no '..')",
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh',
        merge: 'yes',
      },
      "crossmesh.delivery.clusters[0].merge is 'yes'; use 'reviewers' (people merge crossmesh's pull requests) or 'auto' (crossmesh merges them)",
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh',
        kustomization: 'mesh',
      },
      "crossmesh.delivery.clusters[0].kustomization is 'mesh'; name Flux's Kustomization that applies the folder as <namespace>/<name>, e.g. flux-system/mesh",
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh',
        dnsFile: 'coredns.yaml',
      },
      "crossmesh.delivery.clusters[0].dnsFile is 'coredns.yaml'; give the YAML file that holds the cluster's ConfigMap kube-system/coredns, in a folder of the repository, relative to its root and without '.' or '..', e.g. clusters/cluster-2/kube-system/coredns.yaml",
    ],
    [
      {
        cluster: 'cluster-1',
        mode: 'git',
        repository: 'https://gitea.example.net/git/platform/mesh',
        path: 'clusters/cluster-1',
        dnsFile: 'clusters/cluster-1/coredns.yaml',
      },
      "crossmesh.delivery.clusters[0].dnsFile is 'clusters/cluster-1/coredns.yaml', inside clusters/cluster-1, the folder crossmesh keeps to its own objects (it would remove the file); keep the ConfigMap where it is, outside that folder",
    ],
  ])('refuses %j, saying what is wrong and the fix', (entry, message) => {
    expect(() => read([entry])).toThrow(message);
  });

  it('refuses a cluster named twice', () => {
    expect(() =>
      read([
        { cluster: 'cluster-1', mode: 'direct' },
        { cluster: 'cluster-1', mode: 'direct' },
      ]),
    ).toThrow(
      "crossmesh.delivery.clusters[1] names cluster 'cluster-1' again; give each cluster one entry",
    );
  });

  it('says which integration lacks the token when the Gitea entry has no password', () => {
    expect(() =>
      readDeliverySettings(
        new ConfigReader({
          integrations: { gitea: [{ host: 'gitea.example.net' }] },
          crossmesh: {
            delivery: {
              clusters: [
                {
                  cluster: 'cluster-1',
                  mode: 'git',
                  repository: 'https://gitea.example.net/platform/mesh',
                },
              ],
            },
          },
        }),
        ['cluster-1'],
      ),
    ).toThrow(
      "crossmesh.delivery.clusters[0].repository: the integrations.gitea entry of gitea.example.net has no password; set it to an access token of crossmesh's Gitea user with write access to platform/mesh",
    );
  });
});
