import { type GraphQLSchema, getOperationAST } from "graphql";
import type { Viewer } from "../data/viewer.js";
import type { Logger } from "../observability/logger.js";
import type { CostBudget } from "./cost-budget.js";
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
}

/** Decides, before execution, whether an operation may run. Shared by HTTP and WebSocket. */
export interface CostAdmission {
  admit(request: AdmissionRequest): Promise<Admission>;
  /**
   * Charges one event of an admitted subscription its `eventCost` to the customer's budget
   * (src/limits/event-charge.ts), before the event is resolved.
   */
  chargeEvent(customerId: string, eventCost: number): Promise<EventCharge>;
}

/**
 * Cost admission: prices the operation with its variables, refuses it (GRAPHQL_VALIDATION_FAILED, 400)
 * over `maxCost`, then charges it to the viewer's customer and refuses it (RATE_LIMITED, 429)
 * when the customer's budget for the minute cannot cover it. Anonymous operations (development
 * introspection) are priced but charged to no one. When the budget's store fails (Redis down)
 * the operation is admitted uncharged and a warning logged: queries keep working. `pricingWork`,
 * when given, accumulates the work of every pricing (tests and benchmarks count it). An operation
 * without variables is priced once per parsed document (`pricedOncePerDocument`). A subscription
 * is also priced per event (`estimateEventCost`); `chargeEvent` charges each event delivered.
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
  const eventCostOf = (request: AdmissionRequest) => {
    const operation = getOperationAST(request.document, request.operationName ?? undefined);
    if (operation?.operation !== "subscription" || request.viewer === null) return 0;
    return estimateEventCost(schema, request);
  };
  return {
    chargeEvent: (customerId, eventCost) => chargeEvent(budget, logger, customerId, eventCost),
    admit: async (request) => {
      const requested = price(request, pricingWork);
      if (requested > maxCost) {
        return {
          cost: { requested },
          rejection: {
            code: "GRAPHQL_VALIDATION_FAILED",
            message: `Query cost limit of ${maxCost} exceeded, found ${requested}.`,
            httpStatus: 400,
          },
        };
      }
      if (request.viewer === null) return { cost: { requested } };
      let spend: Awaited<ReturnType<CostBudget["spend"]>>;
      try {
        spend = await budget.spend(request.viewer.customerId, requested);
      } catch (error) {
        logger.warn({ err: (error as Error).message }, "cost budget unavailable; not charged");
        const eventCost = eventCostOf(request);
        return eventCost > 0 ? { cost: { requested }, eventCost } : { cost: { requested } };
      }
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
          retryAfterSeconds: Math.max(1, Math.ceil((spend.resetAt.getTime() - Date.now()) / 1000)),
        },
      };
    },
  };
}
