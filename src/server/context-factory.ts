import type Stripe from "stripe";
import type { LoaderBatchListener } from "../data/create-loaders.js";
import {
  createDataAccess,
  type DataAccess,
  type ForeignObjectListener,
} from "../data/data-access.js";
import type { RefreshBudget } from "../data/refresh-budget.js";
import type { ContextScope, GatewayContext } from "../graphql/context.js";
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

/** Warm reads never answer at once in a context whose scope does not say they may. */
const never = () => false;

/** Builds one context (see `contextFactory`). */
export type ContextFor = (scope: ContextScope) => GatewayContext;

/** Where a context's data access is kept once built, and how it is built. */
interface LazyData {
  data: DataAccess | undefined;
  build: () => DataAccess;
}

/**
 * The class of every context: `data` is built on first read from the holder, an own property that
 * a shallow copy (`Object.assign(Object.create(prototype), context)`, as Apollo makes) shares.
 */
class LazyDataContext {
  readonly lazyData: LazyData;
  constructor(lazyData: LazyData) {
    this.lazyData = lazyData;
  }
  get data(): DataAccess {
    this.lazyData.data ??= this.lazyData.build();
    return this.lazyData.data;
  }
  set data(value: DataAccess) {
    this.lazyData.data = value;
  }
}

/**
 * Returns a function that builds a fresh context: its own loaders and concurrency cap, scoped to
 * the viewer, its Stripe calls counted in the scope's counter (a new one per operation). Nothing
 * is shared between contexts but the read model, whose every key names the customer. The data
 * access is built on first use (a `{ __typename }` builds none) and once per context: it is
 * kept in the context's `lazyData` holder, which Apollo's shallow copy of a context shares. Every
 * context has the one prototype (`LazyDataContext`), so property reads on contexts stay
 * monomorphic. Its work runs in the scope's span context.
 */
export function contextFactory(options: ContextFactoryOptions): ContextFor {
  return (scope) => {
    const { viewer } = scope;
    const stripeCalls = scope.stripeCalls ?? new Map<string, number>();
    const build = (): DataAccess => {
      const fc =
        scope.refusal === undefined
          ? createFcApi(
              options.stripe,
              options.retryPolicy,
              (route) => {
                stripeCalls.set(route, (stripeCalls.get(route) ?? 0) + 1);
              },
              options.stripeShared,
              viewer?.customerId,
            )
          : refusingFcApi(scope.refusal);
      return boundToOperation(
        createDataAccess({
          fc,
          viewer,
          maxConcurrency: options.maxConcurrency,
          ...(options.onLoaderBatch === undefined ? {} : { onLoaderBatch: options.onLoaderBatch }),
          ...(options.onForeignObject === undefined
            ? {}
            : { onForeignObject: options.onForeignObject }),
          ...(options.readModel === undefined ? {} : { readModel: options.readModel }),
          ...(options.refreshBudget === undefined ? {} : { refreshBudget: options.refreshBudget }),
          warmReadsAtOnce: scope.warmReadsAtOnce ?? never,
        }),
        scope.spanContext,
      );
    };
    const holder: LazyData = { data: undefined, build };
    const context: GatewayContext = Object.assign(new LazyDataContext(holder), {
      viewer,
      relinkKeys: options.relinkKeys,
      accountEvents: options.accountEvents,
      stripeCalls,
      staleServedSince: () => holder.data?.oldestStaleServed(),
      ...(scope.eventCost === undefined ? {} : { eventCost: scope.eventCost }),
      ...(scope.onSlowConsumer === undefined ? {} : { onSlowConsumer: scope.onSlowConsumer }),
      ...(scope.resumeAfter === undefined ? {} : { resumeAfter: scope.resumeAfter }),
    });
    return context;
  };
}
