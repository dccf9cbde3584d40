import { screen, within } from '@testing-library/react';
import { renderOverview } from '../../__testUtils__/renderOverview';
import { TrustFake } from './__testUtils__/TrustFake';
import { intermediate, meshTrust, root } from './__testUtils__/trustFixtures';

describe('the trust section without crossmesh.trust.manage', () => {
  it('shows that the mesh has no root yet, and who may create it, without the buttons', async () => {
    renderOverview(new TrustFake().api(), 'DENY');

    const setup = await screen.findByRole('region', {
      name: "Create the mesh's root CA",
    });
    expect(setup).toHaveTextContent(
      'Creating it needs the crossmesh.trust.manage permission.',
    );
    expect(within(setup).queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows the state of trust and of a rotation, and offers none of the steps', async () => {
    const fake = new TrustFake(
      meshTrust({
        roots: [root('r1'), root('r2', { state: 'incoming' })],
        intermediates: [intermediate('east', 'r1'), intermediate('west', 'r1')],
        rotation: {
          phase: 'trusting-both',
          oldRootId: 'r1',
          newRootId: 'r2',
          updatedAt: new Date().toISOString(),
          updatedBy: 'user:default/carol',
        },
      }),
    );
    renderOverview(fake.api(), 'DENY');

    const trust = await screen.findByRole('region', { name: 'Mesh trust' });
    expect(
      await within(trust).findByRole('list', { name: 'Root CAs' }),
    ).toHaveTextContent('Incoming root');
    expect(
      within(trust).getByRole('table', { name: 'Trust per cluster' }),
    ).toHaveTextContent('In place');
    const rotation = screen.getByRole('region', { name: 'Root rotation' });
    expect(rotation).toHaveTextContent(
      'Running it needs the crossmesh.trust.manage permission.',
    );
    // Only the buttons that copy a value are left.
    const buttons = [
      ...within(trust).queryAllByRole('button'),
      ...within(rotation).queryAllByRole('button'),
    ].map(b => b.getAttribute('aria-label') ?? b.textContent);
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.filter(name => !name?.startsWith('Copy '))).toEqual([]);
  });
});
