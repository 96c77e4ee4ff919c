import type { SystemReader } from "../data/system-reader.js";
import type { AccountLifecycleType } from "../pubsub/account-event.js";
import type { Coalescer, Moment } from "../read-model/coalesce.js";
import type { ReadModelStore, StoredKind, StoredObjects } from "../read-model/store.js";
import type { StripeAccount, StripeAuthorization, StripeSession } from "../stripe/wire-types.js";

/** An object re-read from Stripe, with the moment the read was sent (null: Stripe has it no more). */
export interface Reread<T> {
  object: T | null;
  checkedAt: number;
}

/**
 * Re-reads and stores what an event implies changed though Stripe sends no event of it. Each
 * read is coalesced per object with every other read of the webhook path (events that arrive
 * together share one read of an object, see read-model/coalesce.ts) and stored under the holder
 * the read shows (newer wins).
 */
export interface ImpliedReads {
  /** The object as Stripe has it now, read after `since` (shared as the coalescer shares). */
  reread<K extends StoredKind>(
    kind: K,
    id: string,
    since: Moment,
  ): Promise<Reread<StoredObjects[K]>>;
  /**
   * After an account's lifecycle event (its re-read state given): a deactivation,
   * reactivation or disconnection changes its authorization's status too (Stripe sends no
   * authorization event for it), so the authorization is re-read and stored; a reactivation can
   * reactivate the accounts of the same authorization as well, so the siblings the read model
   * holds for the customer are re-read and stored. Other lifecycle types imply nothing.
   */
  afterLifecycle(
    type: AccountLifecycleType,
    account: StripeAccount,
    customerId: string,
    since: Moment,
  ): Promise<void>;
  /** What `afterLifecycle` would re-read for this event (the authorization first). */
  impliedBy(
    type: AccountLifecycleType,
    account: StripeAccount,
    customerId: string,
  ): Promise<ImpliedObject[]>;
  /** Stores a re-read object under the holder it shows (newer wins); nothing when Stripe has it no more. */
  store<K extends StoredKind>(kind: K, reread: Reread<StoredObjects[K]>): Promise<void>;
  /**
   * After `financial_connections.session.updated`: the accounts the session reports and their
   * authorizations (with the one its relink result names) are re-read and stored, since a
   * relink changes them whether or not an account event says so (a renewed expiring connection
   * sends none). Resolves with how many objects it re-read.
   */
  afterSession(session: Partial<StripeSession>, since: Moment): Promise<number>;
}

/** An object an event implies changed. */
export interface ImpliedObject {
  kind: StoredKind;
  id: string;
}

/** What the implied reads need. */
export interface ImpliedReadsDeps {
  coalescer: Coalescer;
  reader: SystemReader;
  store: ReadModelStore;
  now: () => number;
}

/** The holder customer's id of an object, when it names one. */
export const holderOf = (object: StripeAccount | StripeAuthorization): string | undefined => {
  const customer = object.account_holder?.customer;
  const id = typeof customer === "string" ? customer : customer?.id;
  return typeof id === "string" ? id : undefined;
};

/** The id of an expandable reference (an id, or the object), else undefined. */
const idOf = (reference: unknown): string | undefined => {
  if (typeof reference === "string") return reference;
  const id = (reference as { id?: unknown } | null | undefined)?.id;
  return typeof id === "string" ? id : undefined;
};

/** Lifecycle changes after which an account's authorization may have changed too. */
const CHANGES_AUTHORIZATION: readonly AccountLifecycleType[] = [
  "DEACTIVATED",
  "REACTIVATED",
  "DISCONNECTED",
];

/** Builds the webhook path's implied reads. */
export function createImpliedReads(deps: ImpliedReadsDeps): ImpliedReads {
  const readers: { [K in StoredKind]: (id: string) => Promise<StoredObjects[K] | null> } = {
    account: (id) => deps.reader.account(id),
    authorization: (id) => deps.reader.authorization(id),
  };
  const reread = <K extends StoredKind>(kind: K, id: string, since: Moment) =>
    deps.coalescer.read(
      `${kind}:${id}`,
      async (): Promise<Reread<StoredObjects[K]>> => {
        const checkedAt = deps.now();
        return { object: (await readers[kind](id)) as StoredObjects[K] | null, checkedAt };
      },
      since,
    );
  const store = async <K extends StoredKind>(
    kind: K,
    { object, checkedAt }: Reread<StoredObjects[K]>,
  ) => {
    const holder = object === null ? undefined : holderOf(object);
    if (object !== null && holder !== undefined)
      await deps.store.put(kind, holder, object, checkedAt);
  };
  /** Re-reads and stores one object; resolves with it (null: Stripe has it no more). */
  const refresh = async <K extends StoredKind>(kind: K, id: string, since: Moment) => {
    const read = await reread(kind, id, since);
    await store(kind, read);
    return read.object;
  };
  const siblingsOf = async (customerId: string, authorizationId: string, accountId: string) =>
    ((await deps.store.accounts(customerId)) ?? []).flatMap(({ object }) =>
      object.id !== accountId && idOf(object.authorization) === authorizationId ? [object.id] : [],
    );

  const impliedBy = async (
    type: AccountLifecycleType,
    account: StripeAccount,
    customerId: string,
  ): Promise<ImpliedObject[]> => {
    const authorizationId = idOf(account.authorization);
    if (!CHANGES_AUTHORIZATION.includes(type) || authorizationId === undefined) return [];
    const siblings =
      type === "REACTIVATED" ? await siblingsOf(customerId, authorizationId, account.id) : [];
    return [
      { kind: "authorization", id: authorizationId },
      ...siblings.map((id): ImpliedObject => ({ kind: "account", id })),
    ];
  };

  return {
    reread,
    store,
    impliedBy,
    afterLifecycle: async (type, account, customerId, since) => {
      const implied = await impliedBy(type, account, customerId);
      await Promise.all(implied.map(({ kind, id }) => refresh(kind, id, since)));
    },
    afterSession: async (session, since) => {
      const accountIds = (session.accounts?.data ?? []).flatMap((account) => idOf(account) ?? []);
      const accounts = await Promise.all(accountIds.map((id) => refresh("account", id, since)));
      const authorizationIds = new Set(
        [
          idOf(session.relink_result?.authorization),
          ...accounts.map((account) => idOf(account?.authorization)),
        ].flatMap((id) => id ?? []),
      );
      await Promise.all([...authorizationIds].map((id) => refresh("authorization", id, since)));
      return accountIds.length + authorizationIds.size;
    },
  };
}
