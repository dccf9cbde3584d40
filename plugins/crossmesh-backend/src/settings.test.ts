import { ConfigReader } from '@backstage/config';
import { readCrossmeshSettings } from './settings';

const kubernetes = {
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'cluster-1',
          url: 'https://127.0.0.1:6443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'token',
        },
      ],
    },
  ],
};

describe('readCrossmeshSettings', () => {
  it('applies the defaults config.d.ts documents', () => {
    const settings = readCrossmeshSettings(new ConfigReader({ kubernetes }));
    expect(settings).toMatchObject({
      unsupportedLocators: [],
      strategy: undefined,
      clusterTimeoutMs: 10_000,
      reconcileIntervalSeconds: 600,
      watchClusters: true,
      groups: {
        approvers: [],
        platform: [],
        platformSetting: 'crossmesh.approvers.groups',
      },
      allowedSystemNamespaces: [],
      trust: {
        mode: 'managed',
        kek: undefined,
        previousKeks: [],
        intermediateKeyType: 'rsa-4096',
        intermediateValidityDays: 730,
        renewalWindowDays: 30,
        renewalCheckMinutes: 60,
        workloadCertificateTtlMs: 24 * 60 * 60 * 1000,
      },
      remoteSecrets: {
        enabled: false,
        tokenLifetimeSeconds: 24 * 60 * 60,
        checkIntervalSeconds: 600,
      },
      meshConfigRevisions: ['default'],
    });
    expect(settings.clusters.map(c => c.name)).toEqual(['cluster-1']);
  });

  it('reads every key once into one object', () => {
    const settings = readCrossmeshSettings(
      new ConfigReader({
        kubernetes,
        crossmesh: {
          strategy: 'dns-proxy',
          clusterTimeoutSeconds: 5,
          reconcileIntervalSeconds: 12,
          watchClusters: false,
          approvers: { groups: ['group:default/platform-team'] },
          platform: { groups: ['group:default/mesh-admins'] },
          exposure: { allowedSystemNamespaces: ['istio-system'] },
          clusters: { 'cluster-1': { gatewayAddress: 'gw.example.net' } },
          trust: {
            mode: 'offline-root',
            keyEncryptionSecret: 'a key-encryption secret, long enough',
            previousKeyEncryptionSecrets: ['an older secret, also long enough'],
            intermediateKeyType: 'ecdsa-p256',
            intermediateValidityDays: 90,
            renewalWindowDays: 10,
            renewalCheckMinutes: 5,
            workloadCertificateTtl: '90s',
          },
        },
      }),
    );
    expect(settings).toMatchObject({
      strategy: 'dns-proxy',
      clusterTimeoutMs: 5000,
      reconcileIntervalSeconds: 12,
      watchClusters: false,
      groups: {
        approvers: ['group:default/platform-team'],
        platform: ['group:default/mesh-admins'],
        platformSetting: 'crossmesh.platform.groups',
      },
      allowedSystemNamespaces: ['istio-system'],
      trust: {
        mode: 'offline-root',
        kek: expect.objectContaining({ keyId: expect.any(String) }),
        previousKeks: [expect.objectContaining({ keyId: expect.any(String) })],
        intermediateKeyType: 'ecdsa-p256',
        intermediateValidityDays: 90,
        renewalWindowDays: 10,
        renewalCheckMinutes: 5,
        workloadCertificateTtlMs: 90_000,
      },
      remoteSecrets: expect.objectContaining({ enabled: false }),
    });
    expect(settings.clusters[0].gatewayOverride).toMatchObject({
      address: 'gw.example.net',
    });
  });

  it('reads the workload-certificate lifetime in any of the duration forms Backstage reads, and refuses what is none', () => {
    const ttl = (workloadCertificateTtl: unknown) =>
      readCrossmeshSettings(
        new ConfigReader({
          kubernetes,
          crossmesh: { trust: { workloadCertificateTtl } },
        } as any),
      ).trust.workloadCertificateTtlMs;
    expect(ttl('PT1H')).toBe(3_600_000);
    expect(ttl({ minutes: 2 })).toBe(120_000);
    expect(ttl('0s')).toBe(0);
    expect(() => ttl('soon')).toThrow(
      /^crossmesh\.trust\.workloadCertificateTtl is not a duration \(.+\); give the lifetime of the mesh's workload certificates, e\.g\. '24h'/,
    );
  });

  it('reads the remote secrets settings, and refuses a token lifetime the API server would not grant or a check too rare to renew in time', () => {
    const remoteSecrets = (value: object) =>
      readCrossmeshSettings(
        new ConfigReader({ kubernetes, crossmesh: { remoteSecrets: value } }),
      ).remoteSecrets;
    expect(
      remoteSecrets({
        enabled: true,
        tokenLifetime: '2h',
        checkInterval: '5m',
      }),
    ).toEqual({
      enabled: true,
      tokenLifetimeSeconds: 7200,
      checkIntervalSeconds: 300,
    });
    expect(() => remoteSecrets({ tokenLifetime: '5m' })).toThrow(
      "crossmesh.remoteSecrets.tokenLifetime is 300s, shorter than the 10 minutes an API server grants a token at least; give 10m or more, e.g. '24h'",
    );
    expect(() =>
      remoteSecrets({ tokenLifetime: '1h', checkInterval: '45m' }),
    ).toThrow(
      /^crossmesh\.remoteSecrets\.checkInterval \(2700s\) must be positive and at most half of tokenLifetime \(3600s\)/,
    );
    expect(() => remoteSecrets({ tokenLifetime: 'a day' })).toThrow(
      /^crossmesh\.remoteSecrets\.tokenLifetime is not a duration/,
    );
  });

  it('reads the Istio revisions whose mesh configs multi-primary keeps, and refuses what no revision is called', () => {
    const revisions = (value: string[]) =>
      readCrossmeshSettings(
        new ConfigReader({
          kubernetes,
          crossmesh: { multiPrimary: { revisions: value } },
        }),
      ).meshConfigRevisions;
    expect(revisions(['1-24', 'default', '1-24'])).toEqual(['1-24', 'default']);
    expect(() => revisions([])).toThrow(
      /^crossmesh\.multiPrimary\.revisions is empty; name the Istio revisions/,
    );
    expect(() => revisions(['1.24'])).toThrow(
      "crossmesh.multiPrimary.revisions holds '1.24', which is not an Istio revision name (lowercase letters, digits and '-', as in istioctl install --revision 1-24); use 'default' for an install without a revision",
    );
  });

  it('refuses a value crossmesh does not know, naming the key and the choices', () => {
    expect(() =>
      readCrossmeshSettings(
        new ConfigReader({ kubernetes, crossmesh: { strategy: 'ambient' } }),
      ),
    ).toThrow(
      "crossmesh.strategy is 'ambient', which crossmesh does not know; use one of legacy-global, dns-proxy",
    );
    expect(() =>
      readCrossmeshSettings(
        new ConfigReader({
          kubernetes,
          crossmesh: { trust: { intermediateKeyType: 'rsa-1024' } },
        }),
      ),
    ).toThrow(
      "crossmesh.trust.intermediateKeyType is 'rsa-1024', which crossmesh does not know; use one of rsa-4096, rsa-2048, ecdsa-p256",
    );
  });
});
