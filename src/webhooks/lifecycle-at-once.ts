import { isDeepStrictEqual } from "node:util";
import { LRUCache } from "lru-cache";
import type Stripe from "stripe";
import type { Logger } from "../observability/logger.js";
import type { AccountLifecycleType } from "../pubsub/account-event.js";
import type { AccountEventBus } from "../pubsub/event-bus.js";
import type { Moment } from "../read-model/coalesce.js";
import type { FenceRaise, FenceStore } from "../read-model/fences.js";
import type { ReadModelStore } from "../read-model/store.js";
import type { StripeAccount } from "../stripe/wire-types.js";
import type { BackgroundRereads } from "./background-rereads.js";
import { eventTimeMs } from "./event-time.js";
import type { ImpliedObject, ImpliedReads } from "./implied-reads.js";
import { lifecycleOf, stillTrue } from "./lifecycle-state.js";

/** A lifecycle event of an account whose payload is complete, under its holder. */
export interface LifecycleAtOnce {
  event: Stripe.Event;
  type: AccountLifecycleType;
  /** `data.object`: Stripe's state of the account when the event was created. */
  payload: StripeAccount;
  customerId: string;
  /** The event's arrival on the webhook path's coalescer clock, and on the gateway's (ms). */
  since: Moment;
  receivedAt: number;
}

/** What publishing at once needs. */
export interface LifecycleAtOnceDeps {
  store: ReadModelStore;
  fences: FenceStore;
  bus: AccountEventBus;
  implied: ImpliedReads;
  background: BackgroundRereads;
  logger: Logger;
}

/** The suffix of a correction's event id: the id of the event it corrects, then this. */
export const CORRECTION_SUFFIX = "_revalidated";
/** Accounts whose last published state is remembered (to tell whether a correction is due). */
const TOLD_KEPT = 10_000;

/**
 * Handles a lifecycle event without waiting for Stripe; resolves undefined (nothing done) when
 * the background re-reads it needs do not fit, and the caller re-reads before acknowledging.
 *
 * The payload is Stripe's state at the event's `created` (whole seconds). Against the read
 * model's copy (its `checkedAt`, ms): no copy or an older one, the payload is stored and
 * published; a copy from a later second is newer, and it is what is published (unless it no
 * longer says what the event says, or the account is being re-read, when the copy may be older
 * than what subscribers were told: "stale", nothing published, the re-read corrects subscribers
 * if Stripe's state differs from what they were told); a copy of the same second equal
 * to the payload is published as it is. A copy of the same second that differs leaves the order
 * unsure (so is any event of an account whose re-read is on its way): the payload is published,
 * the account is fenced (reads of it go to Stripe, or wait for the re-read on its way) and
 * re-read in the background; when Stripe's state differs from what
 * subscribers were last told, a correction is published (event id + CORRECTION_SUFFIX, the
 * lifecycle type of Stripe's state). What the event implies though Stripe sends no event of it
 * (the authorization, a reactivation's siblings: see implied-reads.ts) is fenced the same way
 * and re-read in the background. Every fence is raised before the event is published, so once
 * the webhook is acknowledged no read serves a copy older than the event for what it touched.
 */
export function createLifecycleAtOnce(
  deps: LifecycleAtOnceDeps,
): (input: LifecycleAtOnce) => Promise<"published" | "stale" | undefined> {
  const told = new LRUCache<string, StripeAccount>({ max: TOLD_KEPT });

  const publish = async (
    eventId: string,
    type: AccountLifecycleType,
    occurredAt: number,
    customerId: string,
    account: StripeAccount,
  ) => {
    await deps.bus.publish({ eventId, type, occurredAt, customerId, account });
    told.set(account.id, account);
  };

  /** After the re-read of an account published unsure: stores it, corrects subscribers if due. */
  const correctAfter =
    (input: LifecycleAtOnce, published: StripeAccount | undefined) =>
    async (reread: { object: StripeAccount | null; checkedAt: number }) => {
      await deps.implied.store("account", reread);
      // A later event of the account queued another re-read: that one decides.
      if (reread.object === null || deps.background.waiting("account", reread.object.id)) return;
      const latest = await deps.store.get("account", input.customerId, reread.object.id);
      const stripeState = latest?.object ?? reread.object;
      const lastTold = told.get(stripeState.id) ?? published;
      if (lastTold === undefined || isDeepStrictEqual(lastTold, stripeState)) return;
      deps.logger.info(
        { eventId: input.event.id, accountId: stripeState.id },
        "webhook event corrected: Stripe's state differs from the published one",
      );
      await publish(
        `${input.event.id}${CORRECTION_SUFFIX}`,
        lifecycleOf(stripeState),
        Math.floor((latest?.checkedAt ?? reread.checkedAt) / 1000),
        input.customerId,
        stripeState,
      );
    };

  return async (input) => {
    const { event, type, payload, customerId, since, receivedAt } = input;
    const from = eventTimeMs(event.created, receivedAt);
    const stored = await deps.store.get("account", customerId, payload.id);
    const newer = stored === undefined || stored.checkedAt < from;
    const later = !newer && stored.checkedAt >= from + 1000;
    // Also unsure while the account is being re-read: that read may have been sent before or
    // after this change, and it will be stored (newer wins) when it lands. Nor does a later
    // stored copy decide then: an earlier event of the same second as that copy, published
    // over it, is why the account is being re-read (subscribers were told something newer).
    const rereading = deps.background.has("account", payload.id);
    const unsure = rereading || (!newer && !later && !isDeepStrictEqual(stored.object, payload));
    const current = later ? stored.object : payload;
    const implied: ImpliedObject[] = await deps.implied.impliedBy(type, current, customerId);
    if (unsure) implied.push({ kind: "account", id: payload.id });
    if (!deps.background.hasRoom(implied.length)) return undefined;

    if (newer) await deps.store.put("account", customerId, payload, from);
    // Fenced before anything is published or acknowledged.
    await Promise.all(
      implied.map(({ kind, id }) => {
        const raise: FenceRaise =
          kind === "authorization"
            ? { authorizationAfter: receivedAt }
            : { accountsAfter: receivedAt };
        return deps.fences.raise(customerId, id, raise);
      }),
    );
    const publishing = stillTrue(type, current) && !(later && rereading);
    for (const { kind, id } of implied) {
      if (kind === "account" && id === payload.id)
        deps.background.schedule(
          "account",
          id,
          since,
          correctAfter(input, publishing ? current : undefined),
        );
      else deps.background.schedule(kind, id, since, (reread) => deps.implied.store(kind, reread));
    }
    if (!publishing) return "stale";
    await publish(event.id, type, Math.floor(from / 1000), customerId, current);
    return "published";
  };
}
