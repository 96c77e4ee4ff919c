import type { Logger } from "../observability/logger.js";
import type { CostReport } from "./cost-admission.js";
import type { CostBudget } from "./cost-budget.js";

/**
 * What charging one subscription event found: charged (or nothing to charge, or the budget's
 * store unreachable), or refused, with the message and the seconds until the budget refills.
 * `cost` is that event's own report, for its `extensions.cost`: `requested` the event's cost,
 * `remaining` and `resetAt` the budget after it (absent when nothing was charged: a cost of 0, or
 * the store unreachable).
 */
export type EventCharge =
  | { allowed: true; cost: CostReport }
  | { allowed: false; message: string; retryAfterSeconds: number; cost: CostReport };

/**
 * Charges `eventCost` (`estimateEventCost`: the Stripe reads one event of the subscription makes)
 * to `customerId`'s cost budget, the budget its queries and subscribes spend. Refused when the
 * budget cannot cover it (nothing charged then); the caller resolves the event without those
 * reads. When the budget's store fails (Redis down) the event is charged to no one and a
 * warning logged, as operations are admitted then.
 */
export async function chargeEvent(
  budget: CostBudget,
  logger: Logger,
  customerId: string,
  eventCost: number,
): Promise<EventCharge> {
  if (eventCost <= 0) return { allowed: true, cost: { requested: 0 } };
  let spend: Awaited<ReturnType<CostBudget["spend"]>>;
  try {
    spend = await budget.spend(customerId, eventCost);
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "cost budget unavailable; event not charged");
    return { allowed: true, cost: { requested: eventCost } };
  }
  const resetAt = spend.resetAt.toISOString();
  const cost = { requested: eventCost, remaining: spend.remaining, resetAt };
  if (spend.allowed) return { allowed: true, cost };
  return {
    allowed: false,
    cost,
    message: `Cost budget exhausted: this event's Stripe reads cost ${eventCost} and ${spend.remaining} is left until ${resetAt}; they were not made.`,
    retryAfterSeconds: Math.max(1, Math.ceil((spend.resetAt.getTime() - Date.now()) / 1000)),
  };
}
