import { ProxiedSignInPage } from '@backstage/core-components';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { useCallback, useState } from 'react';
import { SignInChooser } from './SignInChooser';
import {
  SignInChoice,
  forgettingOnSignOut,
  headersFor,
  readStoredChoice,
  storeChoice,
} from './signInChoice';

/**
 * Guest sign-in plus, for demos, sign-in as a named catalog User through the backend's `demo`
 * auth provider. The choice survives reloads until sign-out.
 */
export function DemoSignInPage({ onSignInSuccess }: SignInPageProps) {
  const [attempt, setAttempt] = useState<{ choice?: SignInChoice; n: number }>(
    () => ({ choice: readStoredChoice(), n: 0 }),
  );

  const choose = useCallback((choice: SignInChoice) => {
    storeChoice(choice);
    setAttempt(previous => ({ choice, n: previous.n + 1 }));
  }, []);

  const ChooserWithError = useCallback(
    ({ error }: { error?: Error }) => (
      <SignInChooser onChoose={choose} error={error} />
    ),
    [choose],
  );

  if (!attempt.choice) {
    return <SignInChooser onChoose={choose} />;
  }
  return (
    <ProxiedSignInPage
      key={attempt.n}
      provider={attempt.choice.provider}
      headers={headersFor(attempt.choice)}
      onSignInSuccess={identity =>
        onSignInSuccess(forgettingOnSignOut(identity))
      }
      ErrorComponent={ChooserWithError}
    />
  );
}
