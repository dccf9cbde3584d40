import { ONBOARDING_ERROR_CODES } from '@crossmesh/backstage-plugin-crossmesh-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { westCluster } from '../../__testUtils__/clusters';
import { renderOverview } from '../../__testUtils__/renderOverview';
import {
  DNS_REFUSED,
  OnboardingJobsFake,
} from './__testUtils__/onboardingJobsFake';
import { eastMember, fakeApi } from '../../__testUtils__/overviewFixtures';

async function openDialog(jobs: OnboardingJobsFake) {
  const listClusters = jest.fn(async () => ({
    items: [eastMember, westCluster],
  }));
  renderOverview(
    fakeApi({
      listClusters,
      startOnboarding: jobs.startOnboarding,
      getOnboardingJob: jobs.getOnboardingJob,
    }),
  );
  const clusters = await screen.findByRole('region', { name: 'Clusters' });
  await within(clusters).findByRole('table', { name: 'Mesh clusters' });
  await userEvent.click(
    within(clusters).getByRole('button', { name: 'Add cluster' }),
  );
  return {
    dialog: screen.getByRole('dialog', { name: 'Add a cluster to the mesh' }),
    listClusters,
  };
}

const step = (dialog: HTMLElement, name: RegExp) =>
  within(dialog).findByRole('listitem', { name });

describe('Add cluster', () => {
  it('keeps the template one click away', async () => {
    renderOverview(
      fakeApi({ listClusters: async () => ({ items: [eastMember] }) }),
    );
    const clusters = await screen.findByRole('region', { name: 'Clusters' });
    expect(
      await within(clusters).findByRole('button', { name: 'Use the template' }),
    ).toHaveAttribute('href', '/create/templates/default/add-cluster-to-mesh');
  });

  it('starts the onboarding job with the form, shows each step as it runs, and reloads the clusters when closed', async () => {
    const jobs = new OnboardingJobsFake();
    const { dialog, listClusters } = await openDialog(jobs);
    const clusterField = within(dialog).getByRole('textbox', {
      name: /Cluster/,
    });
    // The cluster not in the mesh yet is offered and filled in.
    expect(clusterField).toHaveValue('west');
    expect(dialog).toHaveTextContent('Not in the mesh yet: west');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Network/ }),
      ' network-2 ',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Start onboarding' }),
    );

    expect(await step(dialog, /^Preflight: Running$/)).toBeVisible();
    expect(jobs.started).toEqual([
      {
        cluster: 'west',
        network: 'network-2',
        gatewayAddress: null,
        gatewayPort: null,
        keyType: null,
        dryRun: false,
      },
    ]);
    expect(
      within(dialog).getByRole('listitem', {
        name: 'Issuing the intermediate CA: Waiting',
      }),
    ).toBeVisible();
    expect(
      within(dialog).getByRole('button', { name: 'Running…' }),
    ).toBeDisabled();

    expect(
      await within(dialog).findByText('west is in the mesh.', undefined, {
        timeout: 20_000,
      }),
    ).toBeVisible();
    for (const title of [
      'Preflight',
      'Issuing the intermediate CA',
      'Writing cacerts',
      'Wiring DNS',
      'Registering the cluster',
      'The final preflight',
    ]) {
      const item = within(dialog).getByRole('listitem', {
        name: `${title}: Done`,
      });
      expect(item).toHaveTextContent(`${title} done`);
    }
    expect(jobs.reads).toBe(6);

    const loads = listClusters.mock.calls.length;
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(listClusters.mock.calls.length).toBeGreaterThan(loads),
    );
    expect(
      screen.queryByRole('dialog', { name: 'Add a cluster to the mesh' }),
    ).not.toBeInTheDocument();
  });

  it('shows a failed step with what the backend said, what was done and how to resume', async () => {
    const jobs = new OnboardingJobsFake({
      failAt: { step: 'wire-dns', failure: DNS_REFUSED },
    });
    const { dialog } = await openDialog(jobs);
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Network/ }),
      'network-2',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Start onboarding' }),
    );

    expect(await step(dialog, /^Wiring DNS: Failed$/)).toBeVisible();
    expect(
      within(dialog).getByRole('listitem', { name: 'Writing cacerts: Done' }),
    ).toBeVisible();
    expect(
      within(dialog).getByRole('listitem', {
        name: 'Registering the cluster: Skipped',
      }),
    ).toBeVisible();
    expect(dialog).toHaveTextContent(DNS_REFUSED.message);
    expect(dialog).toHaveTextContent(
      'Done before the failure, and kept: Writing cacerts. Fix the cause above, then start onboarding of west again with the same input.',
    );
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeEnabled();
  });

  it("shows a refused start in the backend's words and keeps the form to fix it", async () => {
    const jobs = new OnboardingJobsFake({
      refuse: {
        status: 409,
        name: 'ConflictError',
        code: ONBOARDING_ERROR_CODES.gatewayConflict,
        message:
          'Onboarding was not started: crossmesh.clusters.west.gatewayAddress is set to gw.example.com:15443 in the app config, and config wins over the membership; leave gatewayAddress out, or change the config',
      },
    });
    const { dialog } = await openDialog(jobs);
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Network/ }),
      'network-2',
    );
    const gateway = within(dialog).getByRole('textbox', {
      name: /Gateway address/,
    });
    await userEvent.type(gateway, 'other.example.com');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Gateway port/ }),
      '31443',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check only' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Onboarding did not start: Onboarding was not started: crossmesh.clusters.west.gatewayAddress is set to gw.example.com:15443',
    );
    expect(jobs.started).toEqual([
      {
        cluster: 'west',
        network: 'network-2',
        gatewayAddress: 'other.example.com',
        gatewayPort: 31443,
        keyType: null,
        dryRun: true,
      },
    ]);
    // The code, not the words, marks the field at fault.
    expect(gateway).toHaveAttribute('aria-invalid', 'true');
    expect(gateway).toHaveValue('other.example.com');
    expect(jobs.reads).toBe(0);
  });
});
