import type { Context } from "@opentelemetry/api";
import type Stripe from "stripe";
import type { Viewer } from "../auth/viewer.js";
import type { LoaderBatchListener } from "../data/create-loaders.js";
import { createDataAccess, type ForeignObjectListener } from "../data/data-access.js";
import type { RefreshBudget } from "../data/refresh-budget.js";
import type { GatewayContext } from "../graphql/context.js";
import { boundToOperation } from "../observability/spans.js";
import type { AccountEventBus } from "../pubsub/event-bus.js";
import type { ReadModel } from "../read-model/read-model.js";
import type { IdempotencyKeyStore } from "../relink/idempotency-keys.js";
import { createFcApi, type FcApiShared } from "../stripe/fc-api.js";
import type { RateLimitRetryPolicy } from "../stripe/rate-limit-retry.js";
import { refusingFcApi } from "../stripe/refusing-fc-api.js";

/** What every operation's context is built from. */
export interface ContextFactoryOptions {
  stripe: Stripe;
  retryPolicy: RateLimitRetryPolicy;
  maxConcurrency: number;
  relinkKeys: IdempotencyKeyStore;
  accountEvents: AccountEventBus;
  /** The process-wide Stripe limiter and call metrics, shared by every operation. */
  stripeShared?: FcApiShared;
  /** Told each loader batch's size (metrics). */
  onLoaderBatch?: LoaderBatchListener;
  /** Told of each object a Stripe list answer held that was not the viewer's (it was left out). */
  onForeignObject?: ForeignObjectListener;
  /** The process's read model, shared by every operation (see data/data-access.ts). */
  readModel?: ReadModel;
  /** Each customer's `refresh: true` budget, shared by every operation. */
  refreshBudget?: RefreshBudget;
}

/**
 * Returns a function that builds a fresh context for one operation: its own Stripe call counter,
 * its own loaders and concurrency cap, scoped to `viewer`. Nothing is shared between operations but
 * the read model, whose every key names the customer. Its data access runs in `spanContext` (the
 * operation span's), so its Stripe calls, loader batches and read-model lookups are the span's children.
 */
export function contextFactory(options: ContextFactoryOptions) {
  return (viewer: Viewer | null, spanContext: Context): GatewayContext => {
    const stripeCalls = new Map<string, number>();
    const fc = createFcApi(
      options.stripe,
      options.retryPolicy,
      (route) => {
        stripeCalls.set(route, (stripeCalls.get(route) ?? 0) + 1);
      },
      options.stripeShared,
      viewer?.customerId,
    );
    const freshData = (refusal?: Error) =>
      boundToOperation(
        createDataAccess({
          fc: refusal === undefined ? fc : refusingFcApi(refusal),
          viewer,
          maxConcurrency: options.maxConcurrency,
          ...(options.onLoaderBatch === undefined ? {} : { onLoaderBatch: options.onLoaderBatch }),
          ...(options.onForeignObject === undefined
            ? {}
            : { onForeignObject: options.onForeignObject }),
          ...(options.readModel === undefined ? {} : { readModel: options.readModel }),
          ...(options.refreshBudget === undefined ? {} : { refreshBudget: options.refreshBudget }),
        }),
        spanContext,
      );
    const context: GatewayContext = {
      viewer,
      relinkKeys: options.relinkKeys,
      accountEvents: options.accountEvents,
      data: freshData(),
      stripeCalls,
      renewData: (refusal) => {
        context.data = freshData(refusal);
      },
      beginEvent: async () => {
        context.renewData();
      },
    };
    return context;
  };
}
