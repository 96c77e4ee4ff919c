import { requireViewer } from "../../data/tenancy.js";
import { codedError } from "../../errors/coded-error.js";
import { deriveAccountHealth } from "../../health/account-health.js";
import type { AccountLifecycleType, PublishedLifecycleEvent } from "../../pubsub/account-event.js";
import { CursorNotResumableError } from "../../pubsub/event-log.js";
import { encodeCursor } from "../../pubsub/event-position.js";
import { filterIterator } from "../../pubsub/filter-iterator.js";
import type { GatewayContext } from "../context.js";
import type {
  AccountLifecycleEventResolvers,
  SubscriptionResolvers,
} from "../resolver-types.generated.js";
import { fromEpoch } from "./scalars.js";

type StreamArgs = { accountId?: string | null; after?: string | null };

/**
 * The viewer's events from now on, or, given a cursor (SSE's `Last-Event-ID` before the `after`
 * argument), those after it then live ones; a cursor that cannot be resumed is CURSOR_EXPIRED.
 */
async function viewerEvents(
  customerId: string,
  cursor: string | null | undefined,
  context: GatewayContext,
): Promise<AsyncIterableIterator<PublishedLifecycleEvent>> {
  // A reader that falls too far behind is ended by its transport (SLOW_CONSUMER).
  const options = { onOverflow: () => context.onSlowConsumer?.() };
  if (cursor === null || cursor === undefined)
    return context.accountEvents.subscribe(customerId, options);
  try {
    return await context.accountEvents.resume(customerId, cursor, options);
  } catch (error) {
    if (error instanceof CursorNotResumableError) throw codedError("CURSOR_EXPIRED", error.message);
    throw error;
  }
}

/**
 * One subscription field: the viewer's events (the bus is asked for the viewer's customer only),
 * of the given types, optionally of one account, optionally resumed after a cursor. Each event is
 * resolved in a context of its own (fresh loaders, so nothing an earlier event loaded is served
 * stale), built after its Stripe reads were charged (the runner's); its cursor goes to the
 * result's extensions.
 * A reader that falls too far behind is the transport's to end (`context.onSlowConsumer`).
 */
function stream(types: readonly AccountLifecycleType[] | "ALL") {
  return {
    subscribe: async (
      _root: unknown,
      { accountId, after }: StreamArgs,
      context: GatewayContext,
    ) => {
      // The viewer alone: a subscription's own context builds no data access (each event gets
      // a fresh context that does), so an open subscription holds none.
      const { customerId } = requireViewer(context.viewer);
      return filterIterator(
        await viewerEvents(customerId, context.resumeAfter ?? after, context),
        (event) =>
          (types === "ALL" || types.includes(event.type)) &&
          (accountId === null || accountId === undefined || event.account.id === accountId),
      );
    },
    resolve: async (event: PublishedLifecycleEvent, _args: StreamArgs, context: GatewayContext) => {
      context.eventCursor = encodeCursor(event.customerId, event.position);
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
  cursor: (event) => encodeCursor(event.customerId, event.position),
};
