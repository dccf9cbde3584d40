import { renderInTestApp } from '@backstage/test-utils';
import { ExposurePreview } from '@crossmesh/backstage-plugin-crossmesh-common';
import { screen, within } from '@testing-library/react';
import { ManifestPreview } from './ManifestPreview';

const base = {
  requestId: 'r-1',
  host: 'svc-2.bar.global',
  vip: '240.0.0.7',
  vipIsProvisional: true,
};

describe('ManifestPreview', () => {
  it('shows the YAML each cluster gets, with the host and its provisional VIP', async () => {
    const preview: ExposurePreview = {
      ...base,
      clusters: [
        {
          cluster: 'cluster-1',
          role: 'consumer',
          yaml: 'kind: ServiceEntry\n',
        },
      ],
    };
    await renderInTestApp(<ManifestPreview preview={preview} />);
    expect(
      screen.getByText(/provisional: the VIP is allocated at approval/),
    ).toBeInTheDocument();
    const section = screen.getByRole('region', {
      name: 'Manifests for cluster-1',
    });
    expect(within(section).getByText('kind: ServiceEntry')).toBeInTheDocument();
    expect(screen.queryByText(/Multi-primary mesh/)).not.toBeInTheDocument();
  });

  it('under multi-primary, says the grant is the clusters, not the namespaces, and shows the mesh-config entry instead of a VIP', async () => {
    const entry =
      '- settings:\n    clusterLocal: false\n  hosts:\n    - "svc-2.bar.svc.cluster.local"\n';
    const preview: ExposurePreview = {
      ...base,
      clusters: [
        { cluster: 'cluster-1', role: 'consumer', yaml: '', meshConfig: entry },
      ],
    };
    await renderInTestApp(<ManifestPreview preview={preview} />);
    expect(
      screen.getByText(/the grant is the clusters, not the namespaces/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/240\.0\.0\.7/)).not.toBeInTheDocument();
    const section = screen.getByRole('region', {
      name: 'Manifests for cluster-1',
    });
    expect(
      within(section).getByRole('heading', {
        name: /cluster-1 \(consumer\): serviceSettings added to the mesh config \(ConfigMap istio-system\/istio\)/,
      }),
    ).toBeInTheDocument();
    expect(
      within(section).getByText('- "svc-2.bar.svc.cluster.local"', {
        exact: false,
      }),
    ).toBeInTheDocument();
  });
});
