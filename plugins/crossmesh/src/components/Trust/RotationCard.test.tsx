import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { backendError } from '../../__testUtils__/overviewFixtures';
import { renderOverview } from '../../__testUtils__/renderOverview';
import { TrustFake } from './__testUtils__/TrustFake';
import { intermediate, meshTrust, root } from './__testUtils__/trustFixtures';

const STEPS = [
  'Add the new root',
  'Move the intermediates to the new root',
  'Stop trusting the old root',
];

/** Each step's title with the state the wizard gives it. */
async function stepStates() {
  const rotation = await screen.findByRole('region', { name: 'Root rotation' });
  return STEPS.map(
    step => within(rotation).getByText(step).parentElement!.textContent,
  );
}

async function runStep(button: string, dialogName: string) {
  const rotation = await screen.findByRole('region', { name: 'Root rotation' });
  await userEvent.click(
    await within(rotation).findByRole('button', { name: button }),
  );
  const dialog = await screen.findByRole('dialog', { name: dialogName });
  await userEvent.click(within(dialog).getByRole('button', { name: button }));
  return dialog;
}

/** Confirms, as the signed-in platform member, what the fake's requester asked for. */
async function confirmAsSecondMember() {
  const waiting = await screen.findByRole('region', {
    name: 'Waiting for a second platform member',
  });
  await userEvent.click(
    within(waiting).getByRole('button', { name: 'Confirm' }),
  );
  const dialog = await screen.findByRole('dialog', {
    name: 'Confirm this root change?',
  });
  await userEvent.click(
    within(dialog).getByRole('button', { name: 'Confirm root change' }),
  );
  return dialog;
}

const settled = () =>
  new TrustFake(
    meshTrust({
      roots: [root('r1')],
      intermediates: [intermediate('east', 'r1'), intermediate('west', 'r1')],
    }),
  );

/** A rotation from r1 to r2 in its first phase: every cluster trusts both roots. */
const trustingBoth = () => {
  const fake = settled();
  fake.trust = {
    ...fake.trust,
    roots: [...fake.trust.roots, root('r2', { state: 'incoming' })],
    rotation: {
      ...fake.trust.rotation,
      phase: 'trusting-both',
      oldRootId: 'r1',
      newRootId: 'r2',
    },
  };
  return fake;
};

describe('the root rotation wizard', () => {
  it('says where the rotation stands and starts it after confirmation', async () => {
    const fake = settled();
    renderOverview(fake.api());

    expect(await stepStates()).toEqual([
      'Add the new rootNext step',
      'Move the intermediates to the new rootLater',
      'Stop trusting the old rootLater',
    ]);
    const rotation = screen.getByRole('region', { name: 'Root rotation' });
    expect(rotation).toHaveTextContent(
      'Now: no rotation under way; the mesh trusts a single root.',
    );
    expect(rotation).toHaveTextContent(/writes both roots into every cluster/);

    const dialog = await runStep('Start rotation', 'Start a root rotation?');
    expect(
      within(dialog).getByRole('radio', { name: 'Generate a new root' }),
    ).toBeChecked();
    expect(
      await screen.findByRole('status', {
        name: 'Result of the last trust step',
      }),
    ).toHaveTextContent(
      "Waiting for a second platform member to confirm: Rotate the mesh's root to the root O=Istio, CN=Root CA (SHA-256 AB:CD:R2)",
    );
    expect(fake.calls.startRotation).toHaveBeenCalledWith({
      keyType: 'rsa-4096',
      validityDays: 3650,
    });
    // Nothing changed yet: the first step is still next, and the request waits.
    expect(await stepStates()).toEqual([
      'Add the new rootNext step',
      'Move the intermediates to the new rootLater',
      'Stop trusting the old rootLater',
    ]);
    const waiting = await screen.findByRole('region', {
      name: 'Waiting for a second platform member',
    });
    expect(waiting).toHaveTextContent('Asked by carol');

    const confirm = await confirmAsSecondMember();
    expect(confirm).toHaveTextContent(
      'Check with carol that this is the root they meant: O=Istio, CN=Root CA, SHA-256 AB:CD:R2',
    );
    expect(fake.calls.confirmRootOperation).toHaveBeenCalledWith(
      'confirm-rotation.start',
      'AB:CD:R2',
    );
    expect(
      await screen.findByRole('status', {
        name: 'Result of the last trust step',
      }),
    ).toHaveTextContent(
      'Rotation started with the new root: every cluster trusts the old and the new root',
    );
    expect(await stepStates()).toEqual([
      'Add the new rootDone',
      'Move the intermediates to the new rootNext step',
      'Stop trusting the old rootLater',
    ]);
    const clusters = screen.getByRole('table', {
      name: 'Clusters during the rotation',
    });
    expect(
      within(clusters).getByRole('row', { name: /^east/ }),
    ).toHaveTextContent('old root');
  });

  it("shows the backend's reason when it refuses a step, and moves on once it may", async () => {
    const fake = trustingBoth();
    fake.calls.advanceRotation.mockRejectedValueOnce(
      await backendError(
        409,
        'ConflictError',
        'Not every cluster trusts both roots yet (west); fix them and distribute again before moving intermediates',
      ),
    );
    renderOverview(fake.api());

    const dialog = await runStep(
      'Move intermediates',
      'Move the intermediates to the new root?',
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Refused: Not every cluster trusts both roots yet (west); fix them and distribute again before moving intermediates',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Move intermediates' }),
    ).toBeEnabled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Move intermediates' }),
    );
    expect(
      await screen.findByRole('status', {
        name: 'Result of the last trust step',
      }),
    ).toHaveTextContent(
      'Rotation moved on: intermediates come from the new root',
    );
    expect(await stepStates()).toEqual([
      'Add the new rootDone',
      'Move the intermediates to the new rootDone',
      'Stop trusting the old rootNext step',
    ]);
    const clusters = screen.getByRole('table', {
      name: 'Clusters during the rotation',
    });
    expect(
      within(clusters).getByRole('row', { name: /^west/ }),
    ).toHaveTextContent('new root');
  });

  it('says from when the next step can run: a workload-certificate lifetime after the last took effect', async () => {
    const fake = trustingBoth();
    const tookEffectAt = new Date(Date.now() - 20 * 60_000).toISOString();
    const mayAdvanceAt = new Date(Date.now() + 40 * 60_000 + 5_000);
    fake.trust = {
      ...fake.trust,
      workloadCertificateTtlSeconds: 3600,
      rotationWait: {
        mayAdvanceAt: mayAdvanceAt.toISOString(),
        heldBackBy: ['west'],
        tookEffectAt,
      },
    };
    renderOverview(fake.api());

    const rotation = await screen.findByRole('region', {
      name: 'Root rotation',
    });
    const note = await within(rotation).findByRole('alert', {
      name: 'When this step can run',
    });
    expect(note).toHaveTextContent(
      `Workloads take new roots and certificates when they renew theirs, within 1 hour (crossmesh.trust.workloadCertificateTtl). The last step took effect in west 20 minutes ago, so crossmesh runs this step from ${mayAdvanceAt
        .toISOString()
        .slice(0, 19)
        .replace('T', ' ')} UTC (in 40 minutes).`,
    );
  });

  it('retires the old root behind a red confirmation and ends in a single trusted root', async () => {
    const fake = settled();
    fake.trust = {
      ...fake.trust,
      roots: [...fake.trust.roots, root('r2', { state: 'incoming' })],
      intermediates: [intermediate('east', 'r2'), intermediate('west', 'r2')],
      rotation: {
        ...fake.trust.rotation,
        phase: 'intermediates-moved',
        oldRootId: 'r1',
        newRootId: 'r2',
      },
    };
    renderOverview(fake.api());

    const rotation = await screen.findByRole('region', {
      name: 'Root rotation',
    });
    await userEvent.click(
      await within(rotation).findByRole('button', { name: 'Retire old root' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Stop trusting the old root?',
    });
    expect(dialog).toHaveTextContent(/let workloads renew theirs first/);
    const retire = within(dialog).getByRole('button', {
      name: 'Retire old root',
    });
    // Red: the theme's secondary colour, as for every step that takes trust away.
    expect(retire.className).toMatch(/MuiButton-containedSecondary/);
    await userEvent.click(retire);
    expect(
      await screen.findByRole('status', {
        name: 'Result of the last trust step',
      }),
    ).toHaveTextContent(
      'Waiting for a second platform member to confirm: Stop trusting the old root',
    );
    expect(rotation).toHaveTextContent(
      'Now: intermediates come from the new root',
    );
    await confirmAsSecondMember();

    expect(
      await within(rotation).findByText(/The last rotation finished/),
    ).toHaveTextContent('one retired root is no longer trusted');
    expect(rotation).toHaveTextContent('Now: no rotation under way');
    expect(
      within(rotation).queryByRole('table', {
        name: 'Clusters during the rotation',
      }),
    ).not.toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Root CAs' })).getAllByRole(
        'listitem',
      ),
    ).toHaveLength(1);
  });

  it('tells the platform member who asked to find another, and shows a refused confirmation with its reason', async () => {
    const fake = settled();
    await fake.calls.startRotation();
    const asCarol = renderOverview(fake.api(), 'ALLOW', 'user:default/carol');
    const waiting = await screen.findByRole('region', {
      name: 'Waiting for a second platform member',
    });
    expect(waiting).toHaveTextContent(
      'You asked for this: another member of the platform team must confirm it.',
    );
    expect(
      within(waiting).queryByRole('button', { name: 'Confirm' }),
    ).not.toBeInTheDocument();
    (await asCarol).unmount();

    fake.calls.confirmRootOperation.mockRejectedValueOnce(
      await backendError(
        403,
        'NotAllowedError',
        'You asked for this yourself (Rotate the root); a different member of the platform team must confirm it',
      ),
    );
    renderOverview(fake.api());
    const dialog = await confirmAsSecondMember();
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Refused: You asked for this yourself (Rotate the root); a different member of the platform team must confirm it',
    );
  });
});
