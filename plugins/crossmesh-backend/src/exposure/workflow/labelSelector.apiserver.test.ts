import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { adminApis } from '../../__testUtils__/trustTestKit';
import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

jest.setTimeout(120_000);

/** Selectors of every form, each asked of a real API server and of crossmesh's matcher. */
const SELECTORS = [
  'app=shop',
  'app==shop',
  'app=cart',
  'app!=cart',
  'missing!=x',
  'app.kubernetes.io/part-of=checkout,tier=backend',
  'app.kubernetes.io/part-of=checkout, tier=frontend',
  'tier in (backend, frontend)',
  'tier notin (backend)',
  'missing notin (a,b)',
  'missing in (a)',
  'app',
  '!app',
  '!missing',
  'tier in (backend),!missing,app!=x',
];

describe('label selectors, matched as the API server matches them', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1'] });
    await seedServices(bed.clusters, [
      {
        cluster: 'cluster-1',
        namespace: 'shop',
        name: 'shop',
        component: null,
        labels: {
          app: 'shop',
          'app.kubernetes.io/part-of': 'checkout',
          tier: 'backend',
        },
      },
    ]);
  });
  afterAll(async () => {
    await bed?.stop();
  });

  it.each(SELECTORS)('%s', async selector => {
    const { core } = await adminApis(bed.clusters[0]);
    const listed = await core.listNamespacedService({
      namespace: 'shop',
      labelSelector: selector,
    });
    const service = await core.readNamespacedService({
      name: 'shop',
      namespace: 'shop',
    });
    expect(
      matchesLabelSelector(
        parseLabelSelector(selector),
        service.metadata!.labels!,
      ),
    ).toBe(listed.items.some(s => s.metadata?.name === 'shop'));
  });
});
