import { type GraphQLSchema, getOperationAST } from "graphql";
import { LRUCache } from "lru-cache";
import type { Viewer } from "../auth/viewer.js";
import type { Logger } from "../observability/logger.js";
import { type CostBudget, type SpendResult, spendFrom } from "./cost-budget.js";
import { pricedOncePerDocument } from "./document-costs.js";
import {
  type CostRequest,
  estimateCost,
  estimateEventCost,
  type PricingWork,
} from "./estimate-cost.js";
import { chargeEvent, type EventCharge } from "./event-charge.js";

/** What an operation cost, reported to the client in the response's `extensions.cost`. */
export interface CostReport {
  /** The operation's estimated cost (src/limits/cost-model.ts). */
  requested: number;
  /** Points the customer has left in this window; absent when nothing was charged. */
  remaining?: number;
  /** ISO time when the customer's budget is full again; absent when nothing was charged. */
  resetAt?: string;
}

/** Why an operation is refused before it runs; each transport turns it into its own error. */
export interface Rejection {
  code: "GRAPHQL_VALIDATION_FAILED" | "RATE_LIMITED";
  message: string;
  /** The HTTP status to answer with on HTTP: 400 over the cost limit, 429 over budget. */
  httpStatus: 400 | 429;
  /** Whole seconds until the budget refills (the `Retry-After` header), when rate limited. */
  retryAfterSeconds?: number;
}

/**
 * The admission's answer: the cost report, and a rejection when the operation must not run. An
 * admitted subscription whose events read Stripe has `eventCost`: what each event delivered is
 * charged (`chargeEvent`).
 */
export interface Admission {
  cost: CostReport;
  rejection?: Rejection;
  eventCost?: number;
}

/** An operation about to run: its validated document, variables and viewer. */
export interface AdmissionRequest extends CostRequest {
  viewer: Viewer | null;
  /**
   * Points its document's analysis (parsing and validating) is charged (`analysisCost`), added
   * to its price; 0 when none (a cached document, a small one).
   */
  analysisCost?: number;
}

/** Decides, before execution, whether an operation may run. Shared by HTTP and WebSocket. */
export interface CostAdmission {
  /**
   * The admission of `request` (see `createCostAdmission`). Answered now (not a promise) when
   * nothing must be waited for: an operation refused over the cost limit, an anonymous one, or
   * one charged to a budget that answers at once (`CostBudget.spendNow`, in memory); a promise
   * when the budget's store is remote (Redis).
   */
  admit(request: AdmissionRequest): Admission | Promise<Admission>;
  /**
   * Charges one event of an admitted subscription its `eventCost` to the customer's budget
   * (src/limits/event-charge.ts), before the event is resolved.
   */
  chargeEvent(customerId: string, eventCost: number): Promise<EventCharge>;
  /**
   * A refusal (429 RATE_LIMITED, with `Retry-After`) when the customer's budget is known, on this
   * instance, to be spent until its window closes: asked before a document is parsed, so a
   * customer over budget makes the gateway parse and validate nothing. Undefined otherwise.
   */
  exhausted(customerId: string): Rejection | undefined;
  /**
   * Charges a refused document `points` (`chargeRefusal` in src/pipeline/analyse-document.ts
   * decides how many), or what is left of the budget when that is less, so a customer that keeps
   * sending refused documents runs out. A store failure is logged and charges nothing.
   */
  chargeRefusal(customerId: string, points: number): Promise<void>;
}

/** Customers whose budget was seen spent, remembered until their window closes (per instance). */
const EXHAUSTED_CUSTOMERS_REMEMBERED = 10_000;

/**
 * Cost admission: prices the operation with its variables, refuses it (GRAPHQL_VALIDATION_FAILED, 400)
 * over `maxCost`, then charges it, plus its document's `analysisCost`, to the viewer's customer
 * and refuses it (RATE_LIMITED, 429) when the customer's budget for the minute cannot cover it.
 * Every spend that leaves a customer's budget at 0 is remembered until its window closes
 * (`exhausted`), so its next documents are refused before they are parsed. Anonymous operations (development
 * introspection) are priced but charged to no one. When the budget's store fails (Redis down)
 * the operation is admitted uncharged and a warning logged: queries keep working. `pricingWork`,
 * when given, accumulates the work of every pricing (tests and benchmarks count it). An operation
 * without variables is priced once per parsed document (`pricedOncePerDocument`). A subscription
 * is also priced per event (`estimateEventCost`); `chargeEvent` charges each event delivered.
 * `admit` waits for nothing it need not: with a budget that answers at once (`spendNow`, in
 * memory) its admission is returned, not a promise of it.
 */
export function createCostAdmission(options: {
  schema: GraphQLSchema;
  maxCost: number;
  budget: CostBudget;
  logger: Logger;
  pricingWork?: PricingWork;
}): CostAdmission {
  const { schema, maxCost, budget, logger, pricingWork } = options;
  const price = pricedOncePerDocument((request, work) => estimateCost(schema, request, work));
  /** Customer id → the time (ms) its spent budget refills, while it is in the future. */
  const spentUntil = new LRUCache<string, number>({ max: EXHAUSTED_CUSTOMERS_REMEMBERED });
  const noteSpend = (customerId: string, spend: SpendResult) => {
    if (spend.remaining <= 0) spentUntil.set(customerId, spend.resetAt.getTime());
    else spentUntil.delete(customerId);
  };
  const retryAfterOf = (resetAtMs: number) =>
    Math.max(1, Math.ceil((resetAtMs - Date.now()) / 1000));
  const eventCostOf = (request: AdmissionRequest) => {
    const operation = getOperationAST(request.document, request.operationName ?? undefined);
    if (operation?.operation !== "subscription" || request.viewer === null) return 0;
    return estimateEventCost(schema, request);
  };
  /** `request` admitted uncharged, the budget's store having failed (`error`): a warning logged. */
  const uncharged = (request: AdmissionRequest, requested: number, error: unknown): Admission => {
    logger.warn({ err: (error as Error).message }, "cost budget unavailable; not charged");
    const eventCost = eventCostOf(request);
    return eventCost > 0 ? { cost: { requested }, eventCost } : { cost: { requested } };
  };
  /** The admission of `request`, charged `requested` points by `spend`: admitted, or RATE_LIMITED. */
  const charged = (
    request: AdmissionRequest,
    customerId: string,
    requested: number,
    spend: SpendResult,
  ): Admission => {
    noteSpend(customerId, spend);
    const cost = {
      requested,
      remaining: spend.remaining,
      resetAt: spend.resetAt.toISOString(),
    };
    if (spend.allowed) {
      const eventCost = eventCostOf(request);
      return eventCost > 0 ? { cost, eventCost } : { cost };
    }
    return {
      cost,
      rejection: {
        code: "RATE_LIMITED",
        message: `Cost budget exhausted: this operation costs ${requested} and ${spend.remaining} is left until ${cost.resetAt}.`,
        httpStatus: 429,
        retryAfterSeconds: retryAfterOf(spend.resetAt.getTime()),
      },
    };
  };
  return {
    chargeEvent: (customerId, eventCost) => chargeEvent(budget, logger, customerId, eventCost),
    exhausted: (customerId) => {
      const until = spentUntil.get(customerId);
      if (until === undefined) return undefined;
      if (until <= Date.now()) {
        spentUntil.delete(customerId);
        return undefined;
      }
      return {
        code: "RATE_LIMITED",
        message: `Cost budget exhausted until ${new Date(until).toISOString()}.`,
        httpStatus: 429,
        retryAfterSeconds: retryAfterOf(until),
      };
    },
    chargeRefusal: async (customerId, points) => {
      try {
        if (points <= 0) return;
        let spend = await budget.spend(customerId, points);
        if (!spend.allowed && spend.remaining > 0) {
          spend = await budget.spend(customerId, spend.remaining);
        }
        noteSpend(customerId, spend);
      } catch (error) {
        logger.warn({ err: (error as Error).message }, "cost budget unavailable; not charged");
      }
    },
    admit: (request) => {
      const priced = price(request, pricingWork);
      if (priced > maxCost) {
        return {
          cost: { requested: priced },
          rejection: {
            code: "GRAPHQL_VALIDATION_FAILED",
            message: `Query cost limit of ${maxCost} exceeded, found ${priced}.`,
            httpStatus: 400,
          },
        };
      }
      const requested = priced + (request.analysisCost ?? 0);
      if (request.viewer === null) return { cost: { requested } };
      const { customerId } = request.viewer;
      let spend: SpendResult | Promise<SpendResult>;
      try {
        spend = spendFrom(budget, customerId, requested);
      } catch (error) {
        return uncharged(request, requested, error);
      }
      if (spend instanceof Promise) {
        return spend.then(
          (spent) => charged(request, customerId, requested, spent),
          (error: unknown) => uncharged(request, requested, error),
        );
      }
      return charged(request, customerId, requested, spend);
    },
  };
}
