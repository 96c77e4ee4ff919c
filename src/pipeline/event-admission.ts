import { CostBudgetExhaustedError } from "../data/errors.js";
import type { GatewayContext } from "../graphql/context.js";
import type { CostAdmission } from "../limits/cost-admission.js";

/**
 * Makes `context.beginEvent` charge each event of a subscription before it is resolved: the
 * event's Stripe reads (`eventCost`, from admission) are spent from `customerId`'s cost budget,
 * and the event's data is renewed. When the budget cannot cover them, the renewed data refuses
 * every Stripe call with CostBudgetExhaustedError (RATE_LIMITED, `retryAfter`): the event is
 * still delivered, those fields null with the error, and the subscription stays open. With no
 * `eventCost` the context is left as built (each event only renews its data).
 */
export function chargeEachEvent(
  context: GatewayContext,
  costAdmission: CostAdmission | undefined,
  customerId: string | undefined,
  eventCost: number,
): void {
  if (costAdmission === undefined || customerId === undefined || eventCost <= 0) return;
  context.beginEvent = async () => {
    const charged = await costAdmission.chargeEvent(customerId, eventCost);
    context.renewData(
      charged.allowed
        ? undefined
        : new CostBudgetExhaustedError(charged.message, charged.retryAfterSeconds),
    );
  };
}
