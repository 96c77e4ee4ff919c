import { CostBudgetExhaustedError } from "../data/errors.js";
import type { GatewayContext } from "../graphql/context.js";
import type { CostAdmission } from "../limits/cost-admission.js";

/**
 * Makes `context.beginEvent` charge each event of a subscription before it is resolved: the
 * event's Stripe reads (`eventCost`, from admission) are spent from `customerId`'s cost budget,
 * and the event's data is renewed. When the budget cannot cover them, the renewed data refuses
 * every Stripe call with CostBudgetExhaustedError (RATE_LIMITED, `retryAfter`): the event is
 * still delivered, those fields null with the error, and the subscription stays open. Each
 * event's own charge is `context.eventCost` (its `extensions.cost`; `requested: 0` for an event
 * without Stripe reads). Without cost admission or a customer the context is left as built.
 */
export function chargeEachEvent(
  context: GatewayContext,
  costAdmission: CostAdmission | undefined,
  customerId: string | undefined,
  eventCost: number,
): void {
  if (costAdmission === undefined || customerId === undefined) return;
  context.beginEvent = async () => {
    const charged =
      eventCost > 0
        ? await costAdmission.chargeEvent(customerId, eventCost)
        : ({ allowed: true, cost: { requested: 0 } } as const);
    context.eventCost = charged.cost;
    context.renewData(
      charged.allowed
        ? undefined
        : new CostBudgetExhaustedError(charged.message, charged.retryAfterSeconds),
    );
  };
}
