import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CONFIRMATION_ERROR_CODES,
  TrustConfirmation,
  TrustConfirmationAction,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { randomUUID } from 'node:crypto';
import {
  ConfirmationRoot,
  StoredConfirmation,
} from './store/ConfirmationStore';
import { TrustWrites } from './store/TrustTransaction';
import { TrustContext } from './TrustContext';

/**
 * How long a root operation waits for its second platform member: long enough to reach a
 * colleague in another time zone, short enough that nobody confirms a stale request.
 *
 * @internal
 */
export const CONFIRMATION_LIFETIME_HOURS = 24;

/** An error that carries one of {@link CONFIRMATION_ERROR_CODES}. */
function withCode<E extends Error>(
  error: E,
  code: (typeof CONFIRMATION_ERROR_CODES)[keyof typeof CONFIRMATION_ERROR_CODES],
): E {
  return Object.assign(error, { code });
}

/**
 * The refusal of a confirmation whose basis changed since it was asked for.
 *
 * @internal
 */
export function materialChanged(message: string): ConflictError {
  return withCode(
    new ConflictError(`${message}; ask for it again`),
    CONFIRMATION_ERROR_CODES.materialChanged,
  );
}

/**
 * The public view of a confirmation: the root's certificate and details, never its key.
 *
 * @internal
 */
export function toConfirmationView(c: StoredConfirmation): TrustConfirmation {
  const { sealedKey: _sealed, fingerprintSha256: _same, ...root } = c.root;
  return {
    id: c.id,
    action: c.action,
    fingerprintSha256: c.fingerprintSha256,
    root,
    summary: c.summary,
    state: c.state,
    requestedBy: c.requestedBy,
    requestedAt: c.requestedAt,
    expiresAt: c.expiresAt,
    confirmedBy: c.confirmedBy,
    confirmedAt: c.confirmedAt,
  };
}

/**
 * The two-person rule for the mesh's root (ADR 0026): one platform member asks, a different
 * one confirms the exact root they were shown, before the expiry. Asking, confirming and
 * cancelling are audited; what a confirmation carries out is up to its caller.
 *
 * @internal
 */
export class RootConfirmations {
  constructor(private readonly context: TrustContext) {}

  /** Records a pending confirmation with its audit event; 409 while one of the same kind waits. */
  async ask(
    request: {
      action: TrustConfirmationAction;
      root: ConfirmationRoot;
      basisFingerprintSha256: string;
      summary: string;
    },
    actor: string,
  ): Promise<TrustConfirmation> {
    const now = this.context.now();
    const waiting = (await this.context.stores.confirmations.listPending(now))
      .filter(c => c.action === request.action)
      .at(0);
    if (waiting) {
      throw new ConflictError(
        `${waiting.requestedBy} already asked for this (${waiting.summary}), waiting for a second platform member until ${waiting.expiresAt}; confirm or cancel confirmation ${waiting.id} first`,
      );
    }
    const stored: StoredConfirmation = {
      id: randomUUID(),
      action: request.action,
      fingerprintSha256: request.root.fingerprintSha256,
      basisFingerprintSha256: request.basisFingerprintSha256,
      root: request.root,
      summary: request.summary,
      state: 'pending',
      requestedBy: actor,
      requestedAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() + CONFIRMATION_LIFETIME_HOURS * 3600_000,
      ).toISOString(),
      confirmedBy: null,
      confirmedAt: null,
    };
    await this.context.stores.transaction(async ({ confirmations, audit }) => {
      await confirmations.insert(stored);
      await audit.append({
        actor,
        action: `${request.action}.requested`,
        fingerprintSha256: stored.fingerprintSha256,
        occurredAt: stored.requestedAt,
        details: {
          confirmationId: stored.id,
          summary: stored.summary,
          subject: stored.root.subject,
          expiresAt: stored.expiresAt,
        },
      });
    });
    return toConfirmationView(stored);
  }

  /** Root operations waiting for a second platform member. */
  async listPending(): Promise<TrustConfirmation[]> {
    return (
      await this.context.stores.confirmations.listPending(this.context.now())
    ).map(toConfirmationView);
  }

  /**
   * The confirmation `actor` may confirm now, having checked `fingerprintSha256`; refused
   * with a coded error when it is unknown, done, expired, their own, or about another root.
   */
  async requireConfirmable(
    id: string,
    fingerprintSha256: string,
    actor: string,
  ): Promise<StoredConfirmation> {
    const stored = await this.context.stores.confirmations.get(id);
    if (!stored) {
      throw new NotFoundError(`No root operation waits as confirmation ${id}`);
    }
    if (stored.state !== 'pending') {
      throw withCode(
        new ConflictError(
          `Confirmation ${id} is already ${stored.state}${
            stored.confirmedBy ? ` by ${stored.confirmedBy}` : ''
          }`,
        ),
        CONFIRMATION_ERROR_CODES.notPending,
      );
    }
    if (Date.parse(stored.expiresAt) <= this.context.now().getTime()) {
      throw withCode(
        new ConflictError(
          `Confirmation ${id} expired at ${stored.expiresAt} (${CONFIRMATION_LIFETIME_HOURS} hours after ${stored.requestedBy} asked); ask for it again`,
        ),
        CONFIRMATION_ERROR_CODES.expired,
      );
    }
    if (stored.requestedBy === actor) {
      throw withCode(
        new NotAllowedError(
          `You asked for this yourself (${stored.summary}); a different member of the platform team must confirm it`,
        ),
        CONFIRMATION_ERROR_CODES.samePerson,
      );
    }
    if (stored.fingerprintSha256 !== fingerprintSha256) {
      throw withCode(
        new ConflictError(
          `Confirmation ${id} is about the root with SHA-256 fingerprint ${stored.fingerprintSha256}, not ${fingerprintSha256}; check the root you were shown`,
        ),
        CONFIRMATION_ERROR_CODES.materialChanged,
      );
    }
    return stored;
  }

  /**
   * Marks the confirmation confirmed inside the transaction that carries it out; the
   * audit event of that operation names both people.
   */
  async markConfirmed(
    writes: TrustWrites,
    stored: StoredConfirmation,
    actor: string,
  ): Promise<{ requestedBy: string; confirmedBy: string }> {
    const done = await writes.confirmations.complete(
      stored.id,
      'confirmed',
      actor,
      this.context.now(),
    );
    if (!done) {
      throw withCode(
        new ConflictError(
          `Confirmation ${stored.id} was confirmed, cancelled or expired meanwhile`,
        ),
        CONFIRMATION_ERROR_CODES.notPending,
      );
    }
    return { requestedBy: stored.requestedBy, confirmedBy: actor };
  }

  /** Withdraws a pending confirmation; any platform member may, and it is audited. */
  async cancel(id: string, actor: string): Promise<TrustConfirmation> {
    const stored = await this.context.stores.confirmations.get(id);
    if (!stored) {
      throw new NotFoundError(`No root operation waits as confirmation ${id}`);
    }
    const now = this.context.now();
    await this.context.stores.transaction(async ({ confirmations, audit }) => {
      if (!(await confirmations.complete(id, 'cancelled', actor, now))) {
        throw withCode(
          new ConflictError(
            `Confirmation ${id} is not pending (it is ${stored.state}, or expired at ${stored.expiresAt})`,
          ),
          CONFIRMATION_ERROR_CODES.notPending,
        );
      }
      await audit.append({
        actor,
        action: `${stored.action}.cancelled`,
        fingerprintSha256: stored.fingerprintSha256,
        details: { confirmationId: id, requestedBy: stored.requestedBy },
      });
    });
    return toConfirmationView({
      ...stored,
      state: 'cancelled',
      confirmedBy: actor,
      confirmedAt: now.toISOString(),
    });
  }
}
