import type {
  AccountLifecycleEventResolvers,
  SubscriptionResolvers,
} from "../../generated/graphql.js";
import { deriveAccountHealth } from "../../health/account-health.js";
import type { AccountLifecycleMessage, AccountLifecycleType } from "../../pubsub/account-event.js";
import { filterIterator } from "../../subscriptions/filter-iterator.js";
import type { GatewayContext } from "../context.js";
import { fromEpoch } from "./scalars.js";

type StreamArgs = { accountId?: string | null };

/**
 * One subscription field: the viewer's events (the bus is asked for the viewer's customer only),
 * of the given types, optionally of one account. Each event is resolved with fresh loaders, so
 * nothing an earlier event loaded is served stale, after its Stripe reads were charged
 * (`context.beginEvent`). A reader that falls too far behind is the transport's to end
 * (`context.onSlowConsumer`).
 */
function stream(types: readonly AccountLifecycleType[] | "ALL") {
  return {
    subscribe: (_root: unknown, { accountId }: StreamArgs, context: GatewayContext) => {
      const { customerId } = context.data.viewer();
      return filterIterator(
        context.accountEvents.subscribe(customerId, {
          onOverflow: () => context.onSlowConsumer?.(),
        }),
        (event) =>
          (types === "ALL" || types.includes(event.type)) &&
          (accountId === null || accountId === undefined || event.account.id === accountId),
      );
    },
    resolve: async (event: AccountLifecycleMessage, _args: StreamArgs, context: GatewayContext) => {
      await context.beginEvent();
      return event;
    },
  };
}

/** Live account lifecycle subscriptions. */
export const Subscription: SubscriptionResolvers = {
  accountDeactivated: stream(["DEACTIVATED"]),
  accountReactivated: stream(["REACTIVATED"]),
  accountDeactivationUpcoming: stream(["DEACTIVATION_UPCOMING"]),
  accountDisconnected: stream(["DISCONNECTED"]),
  accountStatusChanged: stream("ALL"),
};

/** Fields of a pushed event; the account passes the data-access tenancy check like any other. */
export const AccountLifecycleEvent: AccountLifecycleEventResolvers = {
  occurredAt: (event) => fromEpoch(event.occurredAt),
  cause: (event) => deriveAccountHealth(event.account).cause ?? null,
  action: (event) => deriveAccountHealth(event.account).action,
  account: (event, _args, { data }) => data.adopt(event.account),
};
