/** An error whose message is already meant for people. */
export class WiringError extends Error {}

/** Every guarded write of a ConfigMap met a conflict. */
export class KeptChanging extends Error {
  constructor(
    readonly configMap: string,
    readonly attempts: number,
    readonly cause: unknown,
  ) {
    super(`ConfigMap kube-system/${configMap} kept changing`);
  }
}

/** An editor's refusal (ConflictError, InputError): nothing was written. */
export class EditRefused extends Error {
  constructor(readonly configMap: string, readonly cause: Error) {
    super(cause.message);
  }
}
