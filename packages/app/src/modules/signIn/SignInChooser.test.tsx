import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { SignInChooser } from './SignInChooser';
import {
  SignInChoice,
  forgettingOnSignOut,
  headersFor,
  readStoredChoice,
  storeChoice,
} from './signInChoice';

describe('SignInChooser', () => {
  it('offers the guest and each demo user, and says which was chosen', async () => {
    const chosen: SignInChoice[] = [];
    renderInTestApp(<SignInChooser onChoose={c => chosen.push(c)} />);

    fireEvent.click(await screen.findByRole('button', { name: 'Enter' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in as bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in as carol' }));

    expect(
      screen.getByRole('button', { name: 'Sign in as alice' }),
    ).toBeVisible();
    expect(chosen).toEqual([
      { provider: 'guest' },
      { provider: 'demo', userName: 'bob' },
      { provider: 'demo', userName: 'carol' },
    ]);
  });

  it('shows why the last sign-in failed', async () => {
    renderInTestApp(
      <SignInChooser
        onChoose={() => {}}
        error={new Error('There is no User "dave" in the catalog')}
      />,
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Sign-in failed: There is no User "dave" in the catalog',
    );
  });
});

describe('the stored sign-in choice', () => {
  afterEach(() => localStorage.clear());

  it('is read back after a reload and forgotten on sign-out', async () => {
    expect(readStoredChoice()).toBeUndefined();
    storeChoice({ provider: 'demo', userName: 'bob' });
    expect(readStoredChoice()).toEqual({ provider: 'demo', userName: 'bob' });
    expect(headersFor({ provider: 'demo', userName: 'bob' })).toEqual({
      'x-crossmesh-demo-user': 'bob',
    });
    expect(headersFor({ provider: 'guest' })).toBeUndefined();

    let signedOut = false;
    const identity = forgettingOnSignOut({
      getProfileInfo: async () => ({}),
      getBackstageIdentity: async () => ({
        type: 'user',
        userEntityRef: 'user:default/bob',
        ownershipEntityRefs: [],
      }),
      getCredentials: async () => ({}),
      signOut: async () => {
        signedOut = true;
      },
    });
    await identity.signOut();

    expect(signedOut).toBe(true);
    expect(readStoredChoice()).toBeUndefined();
  });

  it('ignores an entry it cannot read', () => {
    localStorage.setItem('crossmesh:sign-in-choice', '{not json');
    expect(readStoredChoice()).toBeUndefined();
  });
});
