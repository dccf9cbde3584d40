import { ConfigReader } from '@backstage/config';
import { readClusterConnections } from './clusterConnections';

describe('readClusterConnections', () => {
  it("reads clusters and tokens from the Kubernetes plugin's config locators", () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'gke', projectId: 'p' },
          {
            type: 'config',
            clusters: [
              {
                name: 'cluster-1',
                url: 'https://127.0.0.1:6443',
                authProvider: 'serviceAccount',
                serviceAccountToken: 'token-1',
                caData: 'Y2E=',
              },
              {
                name: 'cluster-2',
                url: 'https://127.0.0.1:6444',
                skipTLSVerify: true,
                authMetadata: {
                  'kubernetes.io/auth-provider': 'serviceAccount',
                  serviceAccountToken: 'token-2',
                },
              },
            ],
          },
        ],
      },
      crossmesh: {
        clusters: { 'cluster-2': { gatewayAddress: 'gw-2.example.net' } },
      },
    });

    const { clusters, unsupportedLocators } = readClusterConnections(config);

    expect(unsupportedLocators).toEqual(['gke']);
    expect(clusters).toEqual([
      {
        name: 'cluster-1',
        url: 'https://127.0.0.1:6443',
        caData: 'Y2E=',
        caFile: undefined,
        skipTLSVerify: false,
        serviceAccountToken: 'token-1',
        authProvider: 'serviceAccount',
        gatewayOverride: undefined,
      },
      {
        name: 'cluster-2',
        url: 'https://127.0.0.1:6444',
        caData: undefined,
        caFile: undefined,
        skipTLSVerify: true,
        serviceAccountToken: 'token-2',
        authProvider: 'serviceAccount',
        gatewayOverride: { address: 'gw-2.example.net', port: undefined },
      },
    ]);
  });

  it('has no clusters when the Kubernetes plugin is not configured', () => {
    expect(readClusterConnections(new ConfigReader({}))).toEqual({
      clusters: [],
      unsupportedLocators: [],
    });
  });

  it('refuses a cluster without an auth provider, and duplicate names', () => {
    const cluster = { name: 'c', url: 'https://127.0.0.1:1' };
    const locators = (clusters: object[]) =>
      new ConfigReader({
        kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters }] },
      });
    expect(() => readClusterConnections(locators([cluster]))).toThrow(
      "kubernetes cluster 'c' has no auth provider",
    );
    const good = { ...cluster, authProvider: 'serviceAccount' };
    expect(() => readClusterConnections(locators([good, good]))).toThrow(
      "kubernetes cluster 'c' is configured twice",
    );
  });
});
