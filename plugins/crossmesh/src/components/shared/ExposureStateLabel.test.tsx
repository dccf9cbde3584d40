import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ClusterProgressLabel } from './ExposureStateLabel';

const base = {
  cluster: 'cluster-2',
  role: 'consumer' as const,
  lastError: null,
  updatedAt: '2026-12-04T03:00:00.000Z',
};

describe('ClusterProgressLabel', () => {
  it('says a cluster delivered through Git waits for its pull request, and links it', async () => {
    await renderInTestApp(
      <ClusterProgressLabel
        status={{
          ...base,
          state: 'waiting-for-merge',
          pullRequest: {
            number: 7,
            url: 'http://127.0.0.1:3000/platform/mesh/pulls/7',
          },
        }}
      />,
    );
    expect(screen.getByText('Waiting for merge')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /pull request #7/ }),
    ).toHaveAttribute('href', 'http://127.0.0.1:3000/platform/mesh/pulls/7');
  });

  it('shows no pull request for a cluster crossmesh writes to itself', async () => {
    await renderInTestApp(
      <ClusterProgressLabel status={{ ...base, state: 'applied' }} />,
    );
    expect(screen.getByText('Applied')).toBeInTheDocument();
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('says what differs from Git when the cluster drifted', async () => {
    const { container } = await renderInTestApp(
      <ClusterProgressLabel
        status={{
          ...base,
          state: 'drifted',
          lastError: 'differs from Git: ServiceEntry istio-system/x',
        }}
      />,
    );
    expect(container.textContent).toContain(
      'Drifted from Git: differs from Git: ServiceEntry istio-system/x',
    );
  });
});
