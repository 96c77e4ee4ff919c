import {
  type Fence,
  type FenceRaise,
  type FenceStore,
  noFence,
  raised,
} from "../read-model/fences.js";
import type { StoredKind, StoredObjects } from "../read-model/store.js";
import type { StripeSession } from "../stripe/wire-types.js";

/**
 * One operation's read-your-writes rules over the customer's fences (`read-model/fences.ts`).
 * The fences are loaded once per operation (at its first read-model read) and kept up to date
 * with what the operation itself raises.
 *
 * - `mayServe`: whether a stored copy may answer a read, or the read goes to Stripe. A copy of an
 *   authorization (or one of its accounts) with an open relink session is not served; the
 *   session is read first (once per operation, through its loader), so a session that turned
 *   final meanwhile is taken in before the decision. A copy older than the fence's `after` is not
 *   served either. An account is also behind the fence of its own id (`accountsAfter`), which
 *   the webhook path raises for an account it must re-read (see webhooks/account-event-intake.ts).
 * - `settled`: waits until every relink session read this operation started so far is done (and
 *   written through): an account or authorization read waits for it before it resolves, so no
 *   field of the operation answers an older state beside a relink outcome.
 * - `behind`: whether an answer (wherever it came from) is older than the fence's `after`.
 */
export interface OperationFences {
  mayServe<K extends StoredKind>(
    kind: K,
    object: StoredObjects[K],
    checkedAt: number,
  ): Promise<boolean>;
  behind<K extends StoredKind>(
    kind: K,
    object: StoredObjects[K],
    checkedAt: number,
  ): Promise<boolean>;
  settled(): Promise<void>;
  /**
   * True when the customer has no fence at all (none stored when the operation first read them,
   * none raised by it since): every copy may serve and none is behind, whatever its age.
   */
  unfenced(): Promise<boolean>;
  /**
   * `unfenced` at once, and nothing to wait for: true only when the fences are loaded and there
   * are none, and no relink session read of the operation is in flight (`settled` has nothing to
   * wait for). Not loaded yet: loaded now when the fence store is in the process (its `peek`),
   * else false (they cannot be told now).
   */
  unfencedNow(): boolean;
  /** Registers a relink session read of this operation (see `settled`). */
  sessionRead(read: Promise<unknown>): void;
  /** A relink session for `authorizationId` was created through the gateway: it is open. */
  opened(sessionId: string, authorizationId: string): Promise<void>;
  /**
   * A session read at `checkedAt` was final: it is no longer open, and when it succeeded, the
   * authorizations it names (relinked, produced, and those of the accounts it carries) and their
   * accounts must be read at least as new as `checkedAt`.
   */
  finished(session: StripeSession, checkedAt: number): Promise<void>;
}

/** What an operation's fences are built from. */
export interface OperationFencesOptions {
  store: FenceStore;
  customerId: string;
  /** Reads one of the viewer's sessions through the operation's loader (and writes it through). */
  readSession(id: string): Promise<unknown>;
}

/** The authorization whose fence governs reads of `object`. */
function governingAuthorization<K extends StoredKind>(
  kind: K,
  object: StoredObjects[K],
): string | undefined {
  if (kind === "authorization") return object.id;
  const authorization = (object as StoredObjects["account"]).authorization;
  return typeof authorization === "string" ? authorization : undefined;
}

const afterOf = (kind: StoredKind, fence: Fence) =>
  kind === "authorization" ? fence.authorizationAfter : fence.accountsAfter;

/** Builds one operation's fences (see OperationFences). */
export function operationFences({
  store,
  customerId,
  readSession,
}: OperationFencesOptions): OperationFences {
  let loaded: Promise<Map<string, Fence>> | undefined;
  /** The loaded fences (the same map `snapshot` answers, kept up to date in place). */
  let current: Map<string, Fence> | undefined;
  const snapshot = () => {
    loaded ??= store.fences(customerId).then((fences) => {
      current = fences;
      return fences;
    });
    return loaded;
  };
  const sessionReads: Promise<unknown>[] = [];
  /** Session reads registered and not settled yet. */
  let sessionReadsInFlight = 0;
  const settled = async () => {
    // Reads registered while waiting are waited for too.
    for (let seen = -1; seen !== sessionReads.length; ) {
      seen = sessionReads.length;
      await Promise.all(sessionReads);
    }
  };
  const raise = async (authorizationId: string, change: FenceRaise) => {
    const fences = await snapshot();
    const current = fences.get(authorizationId);
    if (current !== undefined || change.authorizationAfter || change.accountsAfter)
      fences.set(
        authorizationId,
        raised(current ?? { openSessions: [], authorizationAfter: 0, accountsAfter: 0 }, change),
      );
    await store.raise(customerId, authorizationId, change);
  };
  /** The fence of the object's authorization, raised by the fence of an account's own id. */
  const fenceOf = async <K extends StoredKind>(
    kind: K,
    object: StoredObjects[K],
  ): Promise<Fence | undefined> => {
    const fences = await snapshot();
    const authorizationId = governingAuthorization(kind, object);
    const governing = authorizationId === undefined ? undefined : fences.get(authorizationId);
    const own = kind === "account" ? fences.get(object.id) : undefined;
    if (own === undefined) return governing;
    return raised(governing ?? noFence(), { accountsAfter: own.accountsAfter });
  };
  const behind: OperationFences["behind"] = async (kind, object, checkedAt) => {
    const fence = await fenceOf(kind, object);
    return fence !== undefined && checkedAt < afterOf(kind, fence);
  };
  return {
    settled,
    behind,
    unfenced: async () => (await snapshot()).size === 0,
    unfencedNow: () => {
      if (loaded === undefined && store.peek !== undefined) {
        const fences = store.peek(customerId);
        current = fences;
        loaded = Promise.resolve(fences);
      }
      return current !== undefined && current.size === 0 && sessionReadsInFlight === 0;
    },
    mayServe: async (kind, object, checkedAt) => {
      const fence = await fenceOf(kind, object);
      if (fence === undefined) return true;
      if (fence.openSessions.length > 0) {
        // Whether they are final now decides; their reads write through what they carry.
        await Promise.all(fence.openSessions.map((id) => readSession(id).catch(() => {})));
        const now = await fenceOf(kind, object);
        if (now === undefined || now.openSessions.length > 0) return false;
      }
      return !(await behind(kind, object, checkedAt));
    },
    sessionRead: (read) => {
      sessionReadsInFlight += 1;
      sessionReads.push(
        read.then(
          () => {
            sessionReadsInFlight -= 1;
          },
          () => {
            sessionReadsInFlight -= 1;
          },
        ),
      );
    },
    opened: async (sessionId, authorizationId) => {
      const fences = await snapshot();
      const current = fences.get(authorizationId) ?? {
        openSessions: [],
        authorizationAfter: 0,
        accountsAfter: 0,
      };
      if (!current.openSessions.includes(sessionId))
        fences.set(authorizationId, {
          ...current,
          openSessions: [...current.openSessions, sessionId],
        });
      await store.open(customerId, authorizationId, sessionId);
    },
    finished: async (session, checkedAt) => {
      if (session.status === "pending") return;
      const succeeded = session.status === "succeeded";
      const named = new Set<string>();
      const add = (id: string | null | undefined) => {
        if (typeof id === "string") named.add(id);
      };
      add(session.relink_options?.authorization);
      if (succeeded) {
        add(session.relink_result?.authorization);
        for (const account of session.accounts?.data ?? [])
          add(typeof account.authorization === "string" ? account.authorization : undefined);
      }
      await Promise.all(
        [...named].map((authorizationId) =>
          raise(
            authorizationId,
            succeeded
              ? {
                  closedSession: session.id,
                  authorizationAfter: checkedAt,
                  accountsAfter: checkedAt,
                }
              : { closedSession: session.id },
          ),
        ),
      );
    },
  };
}
