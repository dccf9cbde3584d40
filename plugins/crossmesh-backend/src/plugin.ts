import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { crossmeshPermissions } from '@crossmesh/backstage-plugin-crossmesh-common';
import { ClusterObserver } from './clusters/ClusterObserver';
import { KubernetesClients } from './clusters/KubernetesClients';
import { DatabaseClusterObservationStore } from './clusters/DatabaseClusterObservationStore';
import { migrateCrossmeshDatabase } from './database/migrations';
import { startingAlone } from './database/startupLock';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ClusterDnsWiring } from './exposure/dns/cluster';
import { GiteaRepository } from './exposure/delivery/GiteaRepository';
import type { GitRepository } from './exposure/delivery/deliverySettings';
import { startReconciling } from './exposure/reconcile/startReconciling';
import { DatabaseReconcileStatusStore } from './exposure/reconcile/DatabaseReconcileStatusStore';
import { DatabaseExposureStore } from './exposure/store/DatabaseExposureStore';
import { ExposureService } from './exposure/workflow/ExposureService';
import { ServiceOwnership } from './exposure/workflow/serviceOwnership';
import { ClusterVipReservations } from './exposure/workflow/ClusterVipReservations';
import { ServicePortsReader } from './exposure/servicePorts/ServicePortsReader';
import { ClusterService } from './service/ClusterService';
import { DatabaseTrustStore } from './trust/store/DatabaseTrustStore';
import { databaseTrustTransaction } from './trust/store/TrustTransaction';
import { DatabaseConfirmationStore } from './trust/store/DatabaseConfirmationStore';
import { DatabaseAuditLog } from './audit';
import { ExposureNotifier } from './exposure/notify';
import { MeshFactHistory } from './exposure/meshFacts';
import { databaseExposureTransaction } from './exposure/store/ExposureTransaction';
import { createTrustServices } from './trust';
import { readCrossmeshSettings } from './settings';
import { createRouter } from './service/createRouter';
import { platformTeam, warnAboutGroups } from './access/platformTeam';
import { DatabaseMembershipStore } from './onboarding/membership/DatabaseMembershipStore';
import { MembershipService } from './onboarding/membership/MembershipService';
import { OnboardingService } from './onboarding/OnboardingService';
import { DatabaseOnboardingJobStore } from './onboarding/job/DatabaseOnboardingJobStore';
import { OnboardingJobs } from './onboarding/job/OnboardingJobs';
import { ClusterPreflight } from './onboarding/preflight/ClusterPreflight';
import { AdoptionService, ClusterServiceEntries } from './exposure/adoption';
import { scheduleRemoteSecrets } from './remoteSecrets';

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
        lifecycle: coreServices.lifecycle,
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
        lifecycle,
        permissions,
        permissionsRegistry,
        scheduler,
        userInfo,
        catalog,
        notifications,
      }) {
        permissionsRegistry.addPermissions(crossmeshPermissions);
        const settings = readCrossmeshSettings(config);
        warnAboutGroups(settings.groups, logger);
        const { clusters, unsupportedLocators } = settings;
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

        const db = await database.getClient();
        const membershipStore = new DatabaseMembershipStore(db);
        const store = new DatabaseClusterObservationStore(db);
        const kubernetesClients = new KubernetesClients();
        const clusterReading = {
          configuredStrategy: settings.strategy,
          timeoutMs: settings.clusterTimeoutMs,
        };
        const observer = new ClusterObserver(kubernetesClients, clusterReading);

        const exposureStore = new DatabaseExposureStore(db);
        const clusterService = new ClusterService(
          clusters,
          observer,
          store,
          membershipStore,
          { settings: settings.delivery, exposures: exposureStore },
        );
        const audit = new DatabaseAuditLog(db);
        const trust = createTrustServices({
          stores: {
            store: new DatabaseTrustStore(db),
            confirmations: new DatabaseConfirmationStore(db),
            transaction: databaseTrustTransaction(db),
            audit,
          },
          clients: kubernetesClients,
          connections: clusters,
          settings: {
            ...settings.trust,
            keyTypeFor: async name =>
              (await membershipStore.get(name))?.keyType ?? undefined,
            strategyOf: async name =>
              (await clusterService.getCluster(name)).strategy,
          },
        });
        // The scheduler creates its own tables at the first task that is not local: that
        // and the migrations happen while no other replica is doing the same.
        await startingAlone(db, async () => {
          await migrateCrossmeshDatabase(database);
          await scheduler.scheduleTask({
            id: 'crossmesh-renew-intermediates',
            frequency: { minutes: settings.trust.renewalCheckMinutes },
            timeout: { minutes: 10 },
            initialDelay: { minutes: 1 },
            fn: async () => {
              const renewed = await trust.intermediates.renewExpiring(
                'crossmesh:scheduler',
              );
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
        });

        // Callers' connections live at most half a workload-certificate lifetime, so none
        // opened with a certificate from before a rotation phase outlives the phase's wait
        // (ADR 0023); the reconciler and the preview render alike.
        const render = {
          connectionLifetimeSeconds: Math.round(
            settings.trust.workloadCertificateTtlMs / 2000,
          ),
          keepGlobalNames: settings.keepGlobalNames,
        };
        const exposureTransaction = databaseExposureTransaction(db);
        const notifier = new ExposureNotifier({
          notifications,
          logger,
          approverGroups: settings.groups.approvers,
        });
        const meshFacts = new MeshFactHistory({
          audit,
          store: exposureStore,
          notifier,
        });
        const reconcileStatus = new DatabaseReconcileStatusStore(db);
        const giteaForge = (d: { repository: GitRepository; token: string }) =>
          new GiteaRepository(d.repository, d.token);
        const reportCacertsDrift = async (cluster: string) => {
          const inspection = await trust.distribution.inspectCluster(cluster);
          if (inspection.drift) {
            logger.warn(
              `crossmesh: the cacerts Secret of ${cluster} changed and no longer matches what crossmesh distributed${
                inspection.replacementDetails
                  ? `: ${inspection.replacementDetails.join('; ')}`
                  : ''
              }; distribute the intermediate again from the mesh overview if that was not intended`,
            );
          }
        };
        const { trigger, watches } = await startReconciling({
          settings,
          db,
          clients: kubernetesClients,
          connections: clusters,
          stores: {
            exposures: exposureStore,
            transaction: exposureTransaction,
            status: reconcileStatus,
          },
          audit,
          render,
          forge: giteaForge,
          dnsMembers: async () =>
            (await membershipStore.list()).map(m => m.cluster),
          observeClusters: () => clusterService.listClusters(),
          onOutcome: (request, outcome, detail) =>
            notifier.outcome(request, outcome, detail),
          onCacertsChanged: cluster => void reportCacertsDrift(cluster),
          scheduler,
          lifecycle,
          logger,
        });
        const exposures = new ExposureService({
          store: exposureStore,
          transaction: exposureTransaction,
          catalog,
          userInfo,
          clusters: {
            names: () => clusters.map(c => c.name),
            getCluster: name => clusterService.getCluster(name),
          },
          approvers: { groups: settings.groups.approvers },
          serviceOwnership: new ServiceOwnership({
            clients: kubernetesClients,
            connections: clusters,
            allowedSystemNamespaces: settings.allowedSystemNamespaces,
          }),
          vipReservations: new ClusterVipReservations(
            kubernetesClients,
            clusters,
            {
              timeoutMs: settings.clusterTimeoutMs,
              onUnreadable: (cluster, reason) =>
                logger.warn(
                  `crossmesh could not read what ${cluster} reserves for VIPs (istiod's auto-allocation range, other ServiceEntries' addresses): ${reason}`,
                ),
            },
          ),
          notifier,
          meshFacts,
          render,
          onStateChange: settings.reconcileOnChange
            ? request =>
                trigger.request(`request ${request.id} is ${request.state}`)
            : undefined,
        });

        const remoteSecrets = await scheduleRemoteSecrets({
          settings: settings.remoteSecrets,
          clients: kubernetesClients,
          connections: clusters,
          members: async () =>
            (await membershipStore.list()).map(m => m.cluster),
          audit,
          scheduler,
          logger,
          lifecycle,
        });
        const memberships = new MembershipService(
          clusters,
          membershipStore,
          undefined,
          event => {
            remoteSecrets.membershipChanged(event.actor);
            return meshFacts
              .membershipChanged(event)
              .catch(error =>
                logger.warn(
                  `crossmesh could not tell the owners of the exposures that ${
                    event.clusterName
                  }'s membership change affects: ${
                    error instanceof Error ? error.message : String(error)
                  }`,
                ),
              );
          },
        );
        const onboarding = new OnboardingService({
          memberships,
          preflight: new ClusterPreflight(
            kubernetesClients,
            {
              hasTrustedRoot: async () =>
                (await trust.getState()).roots.some(r => r.state !== 'retired'),
              inspectCluster: name => trust.distribution.inspectCluster(name),
            },
            {
              ...clusterReading,
              allocatedVips: () => exposureStore.listVips(),
              meshConfigRevisions: settings.meshConfigRevisions,
              delivery: {
                of: cluster => settings.delivery.of(cluster),
                forge: giteaForge,
              },
            },
          ),
          observe: name => clusterService.getCluster(name),
          dns: new ClusterDnsWiring(kubernetesClients),
          audit,
        });

        const onboardingJobs = new OnboardingJobs({
          store: new DatabaseOnboardingJobStore(db),
          memberships,
          logger,
          services: {
            preflight: cluster => onboarding.preflight(cluster),
            trustState: () => trust.getState(),
            issueIntermediate: (cluster, actor, keyType) =>
              trust.intermediates.issueIntermediate(cluster, actor, {
                keyType,
              }),
            distributeCacerts: async (cluster, actor) =>
              (await trust.distribution.distribute(actor, cluster))[0],
            wireDns: (cluster, actor) => onboarding.wireDns(cluster, actor),
            register: async (cluster, membership, actor) =>
              (await memberships.register(cluster, membership, actor))
                .membership,
          },
        });
        lifecycle.addShutdownHook(() => onboardingJobs.settled());

        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            platform: platformTeam(settings.groups, userInfo),
            clusterAddresses: clusters,
            clusters: clusterService,
            trust,
            exposures,
            memberships,
            onboarding,
            onboardingJobs,
            servicePorts: new ServicePortsReader({
              catalog,
              clients: kubernetesClients,
              connections: clusters,
            }),
            reconcileStatus,
            watches,
            remoteSecrets: remoteSecrets.inspect
              ? { inspect: remoteSecrets.inspect }
              : undefined,
            audit,
            adoption: new AdoptionService({
              connections: clusters,
              serviceEntries: new ClusterServiceEntries(kubernetesClients),
              observeClusters: () => clusterService.listClusters(),
              store: exposureStore,
              transaction: exposureTransaction,
              audit,
              catalog,
              userInfo,
              approverGroups: settings.groups.approvers,
            }),
          }),
        );
      },
    });
  },
});
