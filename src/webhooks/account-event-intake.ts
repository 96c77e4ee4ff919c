import type Stripe from "stripe";
import type { SystemReader } from "../data/system-reader.js";
import type { Logger } from "../observability/logger.js";
import type { AccountLifecycleType } from "../pubsub/account-event.js";
import type { AccountEventBus } from "../pubsub/event-bus.js";
import { ACCOUNT_EVENT_TYPES } from "../shared/sandbox-defaults.js";
import type { StripeAccount } from "../stripe/wire-types.js";
import type { EventDedupe } from "./event-dedupe.js";

/** What became of one verified delivery, and the HTTP status that tells Stripe. */
export type IntakeOutcome =
  | { status: 200; outcome: "published" | "duplicate" | "ignored" | "stale" | "missing" }
  | { status: 409; outcome: "in_progress" };

const LIFECYCLE: Record<string, AccountLifecycleType> = {
  [ACCOUNT_EVENT_TYPES.deactivated]: "DEACTIVATED",
  [ACCOUNT_EVENT_TYPES.reactivated]: "REACTIVATED",
  [ACCOUNT_EVENT_TYPES.upcomingDeactivation]: "DEACTIVATION_UPCOMING",
  [ACCOUNT_EVENT_TYPES.disconnected]: "DISCONNECTED",
};

/** True when the account's current state still says what the event says (else the event is stale). */
function stillTrue(type: AccountLifecycleType, account: StripeAccount): boolean {
  switch (type) {
    case "DEACTIVATED":
      return account.status === "inactive";
    case "REACTIVATED":
      return account.status === "active";
    case "DEACTIVATION_UPCOMING":
      return account.status === "active" && Boolean(account.status_details?.active);
    case "DISCONNECTED":
      return account.status === "disconnected";
  }
}

const accountIdOf = (event: Stripe.Event): string | undefined => {
  const object = event.data.object as { id?: unknown };
  return typeof object.id === "string" ? object.id : undefined;
};

/**
 * Handles one verified Stripe event, once per event id. Lifecycle events of accounts re-read the
 * account (so what is published is its current state, whatever order Stripe delivered in and
 * whatever the payload lacked) and publish it to the account holder's subscribers; an event that
 * the current state contradicts (a late delivery) is acknowledged without publishing, and so is
 * one about an account Stripe no longer has (outcome "missing", logged as ignored: Stripe would
 * otherwise retry it for days). Other event types are acknowledged and ignored. Rejects when the event could not be accepted (Stripe or the
 * bus unreachable): the claim is released so Stripe's retry is handled.
 */
export function createAccountEventIntake(deps: {
  dedupe: EventDedupe;
  reader: SystemReader;
  bus: AccountEventBus;
  logger: Logger;
}): (event: Stripe.Event) => Promise<IntakeOutcome> {
  return async (event) => {
    const type = LIFECYCLE[event.type];
    const accountId = accountIdOf(event);
    if (type === undefined || accountId === undefined) return { status: 200, outcome: "ignored" };
    const claim = await deps.dedupe.claim(event.id);
    if (claim === "done") return { status: 200, outcome: "duplicate" };
    if (claim === "in_progress") return { status: 409, outcome: "in_progress" };
    try {
      const account = await deps.reader.account(accountId);
      if (account === null) {
        await deps.dedupe.complete(event.id);
        deps.logger.info(
          { eventId: event.id, type: event.type, accountId, outcome: "missing" },
          "webhook event ignored: Stripe no longer has the account",
        );
        return { status: 200, outcome: "missing" };
      }
      const customerId = account.account_holder?.customer;
      let outcome: "published" | "stale" | "ignored" = "ignored";
      if (typeof customerId === "string") {
        if (stillTrue(type, account)) {
          await deps.bus.publish({
            eventId: event.id,
            type,
            occurredAt: event.created,
            customerId,
            account,
          });
          outcome = "published";
        } else {
          outcome = "stale";
        }
      }
      await deps.dedupe.complete(event.id);
      deps.logger.info(
        { eventId: event.id, type: event.type, accountId, outcome },
        "webhook event handled",
      );
      return { status: 200, outcome };
    } catch (error) {
      await deps.dedupe.release(event.id).catch(() => {});
      throw error;
    }
  };
}
