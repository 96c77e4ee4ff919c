import type Stripe from "stripe";
import type { SystemReader } from "../data/system-reader.js";
import type { Logger } from "../observability/logger.js";
import type { AccountLifecycleType } from "../pubsub/account-event.js";
import type { AccountEventBus } from "../pubsub/event-bus.js";
import { createCoalescer, type Moment } from "../read-model/coalesce.js";
import type { FenceStore } from "../read-model/fences.js";
import type { PendingRereads } from "../read-model/pending-rereads.js";
import type { ReadModelStore, StoredKind, StoredObjects } from "../read-model/store.js";
import { ACCOUNT_EVENT_TYPES } from "../stripe/event-types.js";
import type { StripeAccount, StripeSession } from "../stripe/wire-types.js";
import { createBackgroundRereads } from "./background-rereads.js";
import type { EventDedupe } from "./event-dedupe.js";
import { eventTimeMs } from "./event-time.js";
import { createImpliedReads, holderOf } from "./implied-reads.js";
import { createLifecycleAtOnce } from "./lifecycle-at-once.js";
import { stillTrue } from "./lifecycle-state.js";
import { isPlausibleObjectId, isRefusedReread } from "./refused-reread.js";

/** What became of an event that was accepted. */
export type AcceptedOutcome =
  | "published"
  | "stored"
  | "duplicate"
  | "ignored"
  | "stale"
  | "missing"
  | "refused";

/** What became of one event, and the HTTP status that tells Stripe. */
export type IntakeOutcome =
  | { status: 200; outcome: AcceptedOutcome }
  | { status: 409; outcome: "in_progress" };

const LIFECYCLE: Record<string, AccountLifecycleType> = {
  [ACCOUNT_EVENT_TYPES.deactivated]: "DEACTIVATED",
  [ACCOUNT_EVENT_TYPES.reactivated]: "REACTIVATED",
  [ACCOUNT_EVENT_TYPES.upcomingDeactivation]: "DEACTIVATION_UPCOMING",
  [ACCOUNT_EVENT_TYPES.disconnected]: "DISCONNECTED",
};

/** Prefixes of the event types that change what the read model holds. */
const ACCOUNT_EVENT_PREFIX = "financial_connections.account.";
const AUTHORIZATION_EVENT_PREFIX = "financial_connections.authorization.";
/** The session event whose accounts and authorization are re-read (a relink changed them). */
const SESSION_UPDATED = "financial_connections.session.updated";

const objectIdOf = (event: Stripe.Event): string | undefined => {
  const object = event.data.object as { id?: unknown };
  return typeof object.id === "string" ? object.id : undefined;
};

/**
 * Fields a payload must carry to be stored (or published) as the object's state, else it is
 * re-read: `status_details` too, which an older API version's payload lacks and health needs.
 */
const COMPLETE_FIELDS: Record<StoredKind, readonly string[]> = {
  account: ["status", "status_details", "account_holder", "authorization", "category", "created"],
  authorization: ["status", "account_holder"],
};

/** The holder customer of a payload complete enough to store, else undefined. */
function completeHolderOf(kind: StoredKind, payload: object): string | undefined {
  const record = payload as Record<string, unknown>;
  if (record.object !== `financial_connections.${kind}`) return undefined;
  if (!COMPLETE_FIELDS[kind].every((field) => field in record)) return undefined;
  return holderOf(payload as StripeAccount);
}

/** What the intake needs. */
export interface AccountEventIntakeDeps {
  dedupe: EventDedupe;
  reader: SystemReader;
  bus: AccountEventBus;
  /** The read model's store: every handled event stores the object's current state in it. */
  store: ReadModelStore;
  /** The read model's fences: raised for what an event published at once has yet to re-read. */
  fences: FenceStore;
  /** Where the background re-reads are tracked for the reads that wait on them. */
  rereads: PendingRereads;
  logger: Logger;
  /** The clock `checkedAt` is read from (milliseconds); Date.now by default. */
  now?: () => number;
  /** Objects the background re-reads may hold at once (MAX_BACKGROUND_REREADS by default). */
  maxBackgroundRereads?: number;
}

/** Stripe refused to re-read the event's object (a bad request): the event cannot be applied. */
class RefusedReread extends Error {}

/**
 * Handles one verified Stripe event (from a webhook or the catch-up sweep), once per event id.
 * Every `financial_connections.account.*` and `financial_connections.authorization.*` event
 * stores its object's current state under its holder in the read model (newer wins: a late
 * delivery never overwrites a newer state). The payload is that state when it is complete and
 * strictly newer than the stored one (compared by Stripe's `created`, in seconds, against the
 * stored `checkedAt`; a `created` later than the gateway's clock plus EVENT_CLOCK_SKEW_MS, or not
 * a number, counts as the moment the gateway received the event: see webhooks/event-time.ts);
 * when unsure (same second, partial payload) the object is re-read (concurrent events about one
 * object share a re-read that started after they arrived). `account.created` adds the account to
 * its customer's set.
 *
 * A lifecycle event of an account with a complete payload is published at once, without waiting
 * for Stripe (lifecycle-at-once.ts): what it implies is fenced and re-read in the background,
 * bounded (background-rereads.ts). When the background has no room, or the payload is partial,
 * it is handled as every event was before: a deactivation, reactivation or disconnection
 * re-reads and stores the account's authorization (Stripe sends no event for it), a reactivation
 * the siblings on that authorization the read model holds, and only then is the re-read state
 * published, unless it contradicts the event (a late delivery: outcome "stale").
 * `session.updated` re-reads and stores the accounts the session reports and their
 * authorizations (see implied-reads.ts). So once an event is acknowledged, what it touched is
 * stored, or fenced until its re-read is. An object Stripe no longer has is acknowledged
 * (outcome "missing": Stripe would otherwise retry it for days), and so is one whose re-read
 * Stripe refuses as a bad request, or whose object id cannot be a Stripe id (outcome "refused",
 * logged, nothing applied). Other event types are acknowledged and ignored. Rejects when the
 * event could not be accepted (Stripe, the store or the bus unreachable): the claim is released
 * so Stripe's retry (or the next sweep) is handled.
 */
export function createAccountEventIntake(
  deps: AccountEventIntakeDeps,
): (event: Stripe.Event) => Promise<IntakeOutcome> {
  const now = deps.now ?? Date.now;
  const coalescer = createCoalescer();
  const implied = createImpliedReads({
    coalescer,
    reader: deps.reader,
    store: deps.store,
    now,
  });
  const atOnce = createLifecycleAtOnce({
    store: deps.store,
    fences: deps.fences,
    bus: deps.bus,
    implied,
    background: createBackgroundRereads({
      implied,
      pending: deps.rereads,
      logger: deps.logger,
      ...(deps.maxBackgroundRereads === undefined ? {} : { maxObjects: deps.maxBackgroundRereads }),
    }),
    logger: deps.logger,
  });

  /**
   * The event's object with the time it is known to be Stripe's state from, when the payload can
   * be trusted to be current (complete, and strictly newer than what the store holds); else the
   * object re-read from Stripe after the event arrived (`since`; null: Stripe no longer has it).
   */
  const currentState = async <K extends StoredKind>(
    kind: K,
    event: Stripe.Event,
    objectId: string,
    since: Moment,
    receivedAt: number,
  ): Promise<{ object: StoredObjects[K] | null; checkedAt: number }> => {
    const payload = event.data.object as Partial<StoredObjects[K]>;
    const holder = completeHolderOf(kind, payload);
    if (holder !== undefined && !LIFECYCLE[event.type]) {
      // `created` is in whole seconds: the payload is Stripe's state at some moment of that second.
      const from = eventTimeMs(event.created, receivedAt);
      const stored = await deps.store.get(kind, holder, objectId);
      if (stored === undefined || stored.checkedAt < from)
        return { object: payload as StoredObjects[K], checkedAt: from };
      // Nothing can be read before it is created: any stored state is at least as new.
      if (event.type === ACCOUNT_EVENT_TYPES.created)
        return { object: stored.object, checkedAt: stored.checkedAt };
      // A state read after that second already includes this event.
      if (stored.checkedAt >= from + 1000)
        return { object: stored.object, checkedAt: stored.checkedAt };
    }
    return implied.reread(kind, objectId, since).catch((error: unknown) => {
      throw isRefusedReread(error) ? new RefusedReread("re-read refused", { cause: error }) : error;
    });
  };

  const handleAccount = async (
    event: Stripe.Event,
    accountId: string,
    since: Moment,
    receivedAt: number,
  ): Promise<AcceptedOutcome> => {
    const lifecycle = LIFECYCLE[event.type];
    const payload = event.data.object as unknown as StripeAccount;
    const holder = completeHolderOf("account", payload);
    if (lifecycle !== undefined && holder !== undefined && payload.id === accountId) {
      const outcome = await atOnce({
        event,
        type: lifecycle,
        payload,
        customerId: holder,
        since,
        receivedAt,
      });
      if (outcome !== undefined) return outcome;
    }
    const { object: account, checkedAt } = await currentState(
      "account",
      event,
      accountId,
      since,
      receivedAt,
    );
    if (account === null) return "missing";
    const customerId = holderOf(account);
    if (customerId === undefined) return "ignored";
    await deps.store.put("account", customerId, account, checkedAt);
    if (event.type === ACCOUNT_EVENT_TYPES.created)
      await deps.store.addToSet(customerId, account.id);
    const type = LIFECYCLE[event.type];
    if (type === undefined) return "stored";
    await implied.afterLifecycle(type, account, customerId, since);
    if (!stillTrue(type, account)) return "stale";
    await deps.bus.publish({
      eventId: event.id,
      type,
      occurredAt: Math.floor(eventTimeMs(event.created, receivedAt) / 1000),
      customerId,
      account,
    });
    return "published";
  };

  const handleAuthorization = async (
    event: Stripe.Event,
    authorizationId: string,
    since: Moment,
    receivedAt: number,
  ): Promise<AcceptedOutcome> => {
    const { object: authorization, checkedAt } = await currentState(
      "authorization",
      event,
      authorizationId,
      since,
      receivedAt,
    );
    if (authorization === null) return "missing";
    const customerId = holderOf(authorization);
    if (customerId === undefined) return "ignored";
    await deps.store.put("authorization", customerId, authorization, checkedAt);
    return "stored";
  };

  const handleSession = async (event: Stripe.Event, since: Moment): Promise<AcceptedOutcome> =>
    (await implied.afterSession(event.data.object as unknown as Partial<StripeSession>, since)) > 0
      ? "stored"
      : "ignored";

  return async (event) => {
    // Reads that start from here on see whatever change the event reports.
    const since = coalescer.arrived();
    const receivedAt = now();
    const objectId = objectIdOf(event);
    const isAccount = event.type.startsWith(ACCOUNT_EVENT_PREFIX);
    const isAuthorization = event.type.startsWith(AUTHORIZATION_EVENT_PREFIX);
    const isSession = (event.type as string) === SESSION_UPDATED;
    if (objectId === undefined || !(isAccount || isAuthorization || isSession))
      return { status: 200, outcome: "ignored" };
    if (!isPlausibleObjectId(objectId)) {
      deps.logger.info(
        { eventId: event.id, type: event.type, idLength: objectId.length, outcome: "refused" },
        "webhook event ignored: its object id cannot name a Stripe object",
      );
      return { status: 200, outcome: "refused" };
    }
    const claim = await deps.dedupe.claim(event.id);
    if (claim === "done") return { status: 200, outcome: "duplicate" };
    if (claim === "in_progress") return { status: 409, outcome: "in_progress" };
    try {
      const handled = isAccount
        ? handleAccount(event, objectId, since, receivedAt)
        : isAuthorization
          ? handleAuthorization(event, objectId, since, receivedAt)
          : handleSession(event, since);
      const outcome = await handled.catch((error: unknown) => {
        if (error instanceof RefusedReread) return "refused" as const;
        throw error;
      });
      await deps.dedupe.complete(event.id);
      deps.logger.info(
        {
          eventId: event.id,
          type: event.type,
          [isAccount ? "accountId" : isAuthorization ? "authorizationId" : "sessionId"]: objectId,
          outcome,
        },
        outcome === "missing"
          ? "webhook event ignored: Stripe no longer has the object"
          : outcome === "refused"
            ? "webhook event ignored: Stripe refused to re-read the object"
            : "webhook event handled",
      );
      return { status: 200, outcome };
    } catch (error) {
      await deps.dedupe.release(event.id).catch(() => {});
      throw error;
    }
  };
}
