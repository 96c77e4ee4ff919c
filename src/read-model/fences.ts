import { LRUCache } from "lru-cache";

/**
 * How long a fence lasts without being written again: longer than a relink session stays in use.
 * After it, reads of the fenced objects are back to the read model's bounded staleness.
 */
export const FENCE_TTL_MS = 60 * 60 * 1000;

/**
 * What the viewer's own writes demand of reads of one authorization and its accounts
 * (read-your-writes). While `openSessions` is not empty (relink sessions created through the
 * gateway, not yet seen final), every read of them goes to Stripe. Otherwise a stored copy of the
 * authorization older than `authorizationAfter`, or of one of its accounts older than
 * `accountsAfter` (ms, compared with the copy's `checkedAt`), is read from Stripe instead: the
 * read model has not caught up with what the viewer saw happen. The webhook path raises fences
 * too, for what an acknowledged event implies changed and is still being re-read: an
 * authorization's `authorizationAfter`, and (under the account's own id instead of an
 * authorization id) one account's `accountsAfter`.
 */
export interface Fence {
  openSessions: string[];
  authorizationAfter: number;
  accountsAfter: number;
}

/** What a fence is raised to: each `after` only ever grows. */
export interface FenceRaise {
  authorizationAfter?: number;
  accountsAfter?: number;
  /** A session seen final: no longer open. */
  closedSession?: string;
}

/**
 * Where fences live, per customer and authorization: in the process, or in Redis so that every
 * instance honours a fence another raised. Entries expire FENCE_TTL_MS after their last write
 * (an open session FENCE_TTL_MS after it was opened). Every method rejects when the storage
 * cannot be reached; callers then read as without fences.
 */
export interface FenceStore {
  /** The customer's fences, by authorization id (expired open sessions left out). */
  fences(customerId: string): Promise<Map<string, Fence>>;
  /** What `fences` would answer, at once: only a store in the process has it. Never throws. */
  peek?(customerId: string): Map<string, Fence>;
  /** A relink session created through the gateway for `authorizationId` is open. */
  open(customerId: string, authorizationId: string, sessionId: string): Promise<void>;
  /** Closes a session and raises the `after` values (never lowers them). */
  raise(customerId: string, authorizationId: string, raise: FenceRaise): Promise<void>;
  close(): Promise<void>;
}

/** An empty fence. */
export const noFence = (): Fence => ({ openSessions: [], authorizationAfter: 0, accountsAfter: 0 });

/** `fence` with `raise` applied (a new object). */
export function raised(fence: Fence, raise: FenceRaise): Fence {
  return {
    openSessions: fence.openSessions.filter((id) => id !== raise.closedSession),
    authorizationAfter: Math.max(fence.authorizationAfter, raise.authorizationAfter ?? 0),
    accountsAfter: Math.max(fence.accountsAfter, raise.accountsAfter ?? 0),
  };
}

interface MemoryFence {
  /** Open session id → when it stops counting as open (ms). */
  open: Map<string, number>;
  authorizationAfter: number;
  accountsAfter: number;
}

/** The fences of one instance, in memory (bounded: the least recently used customers go first). */
export function inMemoryFenceStore(
  maxCustomers = 100_000,
  now: () => number = Date.now,
): FenceStore {
  const customers = new LRUCache<string, Map<string, MemoryFence>>({
    max: maxCustomers,
    ttl: FENCE_TTL_MS,
  });
  const entry = (customerId: string, authorizationId: string): MemoryFence => {
    let byAuthorization = customers.get(customerId);
    if (byAuthorization === undefined) {
      byAuthorization = new Map();
    }
    // Written again: the customer's fences last FENCE_TTL_MS from now.
    customers.set(customerId, byAuthorization);
    let fence = byAuthorization.get(authorizationId);
    if (fence === undefined) {
      fence = { open: new Map(), authorizationAfter: 0, accountsAfter: 0 };
      byAuthorization.set(authorizationId, fence);
    }
    return fence;
  };
  const peek = (customerId: string) => {
    const answer = new Map<string, Fence>();
    const at = now();
    for (const [authorizationId, fence] of customers.get(customerId) ?? []) {
      answer.set(authorizationId, {
        openSessions: [...fence.open].filter(([, until]) => until > at).map(([id]) => id),
        authorizationAfter: fence.authorizationAfter,
        accountsAfter: fence.accountsAfter,
      });
    }
    return answer;
  };
  return {
    fences: async (customerId) => peek(customerId),
    peek,
    open: async (customerId, authorizationId, sessionId) => {
      entry(customerId, authorizationId).open.set(sessionId, now() + FENCE_TTL_MS);
    },
    raise: async (customerId, authorizationId, raise) => {
      const fence = entry(customerId, authorizationId);
      if (raise.closedSession !== undefined) fence.open.delete(raise.closedSession);
      fence.authorizationAfter = Math.max(fence.authorizationAfter, raise.authorizationAfter ?? 0);
      fence.accountsAfter = Math.max(fence.accountsAfter, raise.accountsAfter ?? 0);
    },
    close: async () => {},
  };
}
