import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { isForgeError } from './forgeErrors';

describe('isForgeError', () => {
  it('knows the errors the forge client throws, whose message is the sentence to show', () => {
    for (const error of [
      new AuthenticationError('token refused'),
      new ConflictError('branch moved'),
      new NotAllowedError('no write access'),
      new ServiceUnavailableError('Gitea is down'),
    ]) {
      expect(isForgeError(error)).toBe(true);
    }
  });

  it('leaves other errors to be described by where they came from', () => {
    expect(isForgeError(new Error('ECONNREFUSED'))).toBe(false);
    expect(isForgeError(new InputError('bad file'))).toBe(false);
    expect(isForgeError('AuthenticationError')).toBe(false);
    expect(isForgeError(undefined)).toBe(false);
  });
});
