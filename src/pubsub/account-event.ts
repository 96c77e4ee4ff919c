import type { StripeAccount } from "../stripe/wire-types.js";

/** The lifecycle changes the gateway pushes to subscribers. */
export type AccountLifecycleType =
  | "DEACTIVATED"
  | "REACTIVATED"
  | "DEACTIVATION_UPCOMING"
  | "DISCONNECTED";

/**
 * The domain event the webhook path publishes and subscription resolvers consume: one Stripe
 * event, the customer it concerns, and the account as Stripe showed it when the event was handled.
 * Plain JSON, so it crosses Redis unchanged.
 */
export interface AccountLifecycleMessage {
  eventId: string;
  type: AccountLifecycleType;
  /** Stripe's `created` of the event, epoch seconds. */
  occurredAt: number;
  customerId: string;
  account: StripeAccount;
}

/**
 * A lifecycle event as subscribers receive it: with the position its customer's stream gave it
 * when it was published (the same on every instance), from which its cursor is made.
 */
export interface PublishedLifecycleEvent extends AccountLifecycleMessage {
  position: string;
}
