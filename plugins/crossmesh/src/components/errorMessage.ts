import { ResponseError } from '@backstage/errors';

/** The message to show a person: the backend's own words when it sent some. */
export function errorMessage(error: Error): string {
  if (error.name === 'ResponseError') {
    return (error as ResponseError).cause.message;
  }
  return error.message;
}

/** The backend's machine-readable reason (`error.code`), when it sent one. */
export function errorCode(error: Error): string | undefined {
  if (error.name === 'ResponseError') {
    return (error as ResponseError).body?.error?.code;
  }
  return undefined;
}
