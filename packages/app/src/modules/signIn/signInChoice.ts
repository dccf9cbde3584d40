import type { IdentityApi } from '@backstage/core-plugin-api';

/** How someone chose to sign in: the guest provider, or the demo provider as a named User. */
export type SignInChoice =
  | { provider: 'guest' }
  | { provider: 'demo'; userName: string };

/** Must match the header the backend's demo auth provider reads. */
export const demoUserHeader = 'x-crossmesh-demo-user';

const storageKey = 'crossmesh:sign-in-choice';

/** The choice made before the last reload, so a reload signs in again without asking. */
export function readStoredChoice(): SignInChoice | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey) ?? 'null');
    if (stored?.provider === 'guest') {
      return { provider: 'guest' };
    }
    if (stored?.provider === 'demo' && typeof stored.userName === 'string') {
      return { provider: 'demo', userName: stored.userName };
    }
  } catch {
    // an unreadable entry is as good as none
  }
  return undefined;
}

export function storeChoice(choice: SignInChoice) {
  localStorage.setItem(storageKey, JSON.stringify(choice));
}

export function headersFor(
  choice: SignInChoice,
): Record<string, string> | undefined {
  return choice.provider === 'demo'
    ? { [demoUserHeader]: choice.userName }
    : undefined;
}

/** Signing out forgets the choice, so the next visit shows the sign-in page again. */
export function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      localStorage.removeItem(storageKey);
      await identity.signOut();
    },
  };
}
