import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  crossmeshPermissions,
  MeshStrategy,
  readCrossmeshGroups,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { readClusterConnections } from './clusters/clusterConnections';
import { ClusterObserver } from './clusters/ClusterObserver';
import { KubernetesClients } from './clusters/KubernetesClients';
import {
  DatabaseClusterObservationStore,
  migrateCrossmeshDatabase,
} from './database/DatabaseClusterObservationStore';
import { deriveKek, KeyType } from './pki';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ClusterDnsWiring } from './exposure/dns/cluster';
import { ClusterExposureApplier } from './exposure/reconcile/ClusterExposureApplier';
import { ExposureReconciler } from './exposure/reconcile/ExposureReconciler';
import { ReconcileLease } from './exposure/reconcile/ReconcileLease';
import { DatabaseReconcileStatusStore } from './exposure/reconcile/DatabaseReconcileStatusStore';
import { DatabaseExposureStore } from './exposure/store/DatabaseExposureStore';
import { ExposureService } from './exposure/workflow/ExposureService';
import { ServiceOwnership } from './exposure/workflow/serviceOwnership';
import { ClusterVipReservations } from './exposure/vip/ClusterVipReservations';
import { ServicePortsReader } from './exposure/servicePorts/ServicePortsReader';
import { ClusterService } from './service/ClusterService';
import { DatabaseTrustStore } from './trust/store/DatabaseTrustStore';
import { TrustMode, TrustService } from './trust/TrustService';
import { createRouter } from './service/createRouter';
import { platformTeam, warnAboutGroups } from './access/platformTeam';
import { DatabaseMembershipStore } from './onboarding/membership/DatabaseMembershipStore';
import { MembershipService } from './onboarding/membership/MembershipService';
import { OnboardingService } from './onboarding/OnboardingService';
import { ClusterPreflight } from './onboarding/preflight/ClusterPreflight';
import {
  AdoptionService,
  ClusterServiceEntries,
  databaseAdoptionTransaction,
} from './exposure/adoption';

/**
 * The crossmesh backend plugin.
 *
 * @public
 */
export const crossmeshPlugin = createBackendPlugin({
  pluginId: 'crossmesh',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        // Its default factory posts to the notifications backend; without one installed,
        // sends fail and are logged.
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        database,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        scheduler,
        userInfo,
        catalog,
        notifications,
      }) {
        permissionsRegistry.addPermissions(crossmeshPermissions);
        const groups = readCrossmeshGroups(config);
        warnAboutGroups(groups, logger);

        const { clusters, unsupportedLocators } =
          readClusterConnections(config);
        if (unsupportedLocators.length) {
          logger.warn(
            `crossmesh reads clusters from 'config' cluster locators only; ignoring: ${unsupportedLocators.join(
              ', ',
            )}`,
          );
        }
        logger.info(
          `crossmesh mesh clusters: ${
            clusters.map(c => c.name).join(', ') || 'none configured'
          }`,
        );

        const db = await migrateCrossmeshDatabase(database);
        const membershipStore = new DatabaseMembershipStore(db);
        const store = new DatabaseClusterObservationStore(db);
        const kubernetesClients = new KubernetesClients();
        const observer = new ClusterObserver(kubernetesClients, {
          configuredStrategy: config.getOptionalString('crossmesh.strategy') as
            | MeshStrategy
            | undefined,
          timeoutMs:
            config.getOptionalNumber('crossmesh.clusterTimeoutSeconds') !==
            undefined
              ? config.getNumber('crossmesh.clusterTimeoutSeconds') * 1000
              : 10_000,
        });

        const trustStore = new DatabaseTrustStore(db);
        const trust = new TrustService(
          trustStore,
          kubernetesClients,
          clusters,
          {
            ...readTrustSettings(config),
            keyTypeFor: async name =>
              (await membershipStore.get(name))?.keyType ?? undefined,
          },
        );
        await scheduler.scheduleTask({
          id: 'crossmesh-renew-intermediates',
          frequency: {
            minutes:
              config.getOptionalNumber('crossmesh.trust.renewalCheckMinutes') ??
              60,
          },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const renewed = await trust.renewExpiring('crossmesh:scheduler');
            for (const r of renewed) {
              logger.info(
                `crossmesh renewed the intermediate CA of ${
                  r.intermediate.clusterName
                } (serial ${r.intermediate.serial})${
                  r.distribution.error
                    ? `; distribution failed: ${r.distribution.error}`
                    : ''
                }`,
              );
            }
          },
        });

        const clusterService = new ClusterService(
          clusters,
          observer,
          store,
          membershipStore,
        );
        const exposureStore = new DatabaseExposureStore(db);
        const exposures = new ExposureService({
          store: exposureStore,
          audit: trustStore,
          catalog,
          userInfo,
          clusters: {
            names: () => clusters.map(c => c.name),
            getCluster: name => clusterService.getCluster(name),
          },
          approvers: { groups: groups.approvers },
          serviceOwnership: new ServiceOwnership({
            clients: kubernetesClients,
            connections: clusters,
            allowedSystemNamespaces:
              config.getOptionalStringArray(
                'crossmesh.exposure.allowedSystemNamespaces',
              ) ?? [],
          }),
          vipReservations: new ClusterVipReservations(
            kubernetesClients,
            clusters,
            {
              onUnreadable: (cluster, reason) =>
                logger.warn(
                  `crossmesh could not read what ${cluster} reserves for VIPs (istiod's auto-allocation range, other ServiceEntries' addresses): ${reason}`,
                ),
            },
          ),
          notifications,
          logger,
        });

        const reconcileStatus = new DatabaseReconcileStatusStore(db);
        const reconciler = new ExposureReconciler({
          store: exposureStore,
          status: reconcileStatus,
          applier: new ClusterExposureApplier(kubernetesClients),
          dns: new ClusterDnsWiring(kubernetesClients),
          lease: new ReconcileLease(db),
          dnsMembers: async () =>
            (await membershipStore.list()).map(m => m.cluster),
          connections: clusters,
          observeClusters: () => clusterService.listClusters(),
          audit: trustStore,
          onOutcome: (request, outcome, detail) =>
            exposures.notifyOutcome(request, outcome, detail),
        });
        // Every replica runs the pass on its own timer, and the reconcile lease lets one act
        // at a time. A global task would stay claimed by a replica killed mid-pass until the
        // task's timeout, so work would resume only minutes after a crash.
        await scheduler.scheduleTask({
          id: 'crossmesh-reconcile-exposures',
          scope: 'local',
          frequency: {
            seconds:
              config.getOptionalNumber('crossmesh.reconcileIntervalSeconds') ??
              30,
          },
          timeout: { minutes: 5 },
          fn: async () => {
            const report = await reconciler.reconcile();
            if (report.skipped) {
              logger.debug(`crossmesh reconcile skipped: ${report.skipped}`);
            }
            for (const t of report.transitions) {
              logger.info(`crossmesh exposure ${t}`);
            }
            for (const d of report.dns) {
              logger.info(
                `crossmesh .global DNS in ${d.cluster}: ${
                  d.error ?? 'updated'
                }`,
              );
            }
            for (const c of report.clusters.filter(r => r.error)) {
              logger.warn(
                `crossmesh could not converge ${c.cluster}: ${c.error}`,
              );
            }
          },
        });

        const memberships = new MembershipService(clusters, membershipStore);
        const onboarding = new OnboardingService({
          memberships,
          preflight: new ClusterPreflight(
            kubernetesClients,
            {
              hasTrustedRoot: async () =>
                (await trust.getState()).roots.some(r => r.state !== 'retired'),
              inspectCluster: name => trust.inspectCluster(name),
            },
            {
              configuredStrategy: config.getOptionalString(
                'crossmesh.strategy',
              ) as MeshStrategy | undefined,
              timeoutMs:
                (config.getOptionalNumber('crossmesh.clusterTimeoutSeconds') ??
                  10) * 1000,
              allocatedVips: () => exposureStore.listVips(),
            },
          ),
          observe: name => clusterService.getCluster(name),
          dns: new ClusterDnsWiring(kubernetesClients),
          audit: trustStore,
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            platform: platformTeam(groups, userInfo),
            clusterAddresses: clusters,
            clusters: clusterService,
            trust,
            exposures,
            memberships,
            onboarding,
            servicePorts: new ServicePortsReader({
              catalog,
              clients: kubernetesClients,
              connections: clusters,
            }),
            reconcileStatus,
            adoption: new AdoptionService({
              connections: clusters,
              serviceEntries: new ClusterServiceEntries(kubernetesClients),
              observeClusters: () => clusterService.listClusters(),
              store: exposureStore,
              transaction: databaseAdoptionTransaction(db),
              audit: trustStore,
              catalog,
              userInfo,
              approverGroups: groups.approvers,
            }),
          }),
        );
      },
    });
  },
});

function readTrustSettings(config: Config) {
  const trust = config.getOptionalConfig('crossmesh.trust');
  const secret = trust?.getOptionalString('keyEncryptionSecret');
  const previous =
    trust?.getOptionalStringArray('previousKeyEncryptionSecrets') ?? [];
  return {
    mode: (trust?.getOptionalString('mode') ?? 'managed') as TrustMode,
    kek: secret ? deriveKek(secret) : undefined,
    previousKeks: previous.map(p => deriveKek(p)),
    intermediateKeyType: (trust?.getOptionalString('intermediateKeyType') ??
      'rsa-4096') as KeyType,
    intermediateValidityDays:
      trust?.getOptionalNumber('intermediateValidityDays') ?? 730,
    renewalWindowDays: trust?.getOptionalNumber('renewalWindowDays') ?? 30,
  };
}
