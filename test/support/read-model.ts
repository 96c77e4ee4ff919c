import type { TestStack } from "./gateway.js";
import { controlOf, type SandboxCustomer } from "./sandbox-control.js";

/**
 * Creates a sandbox customer whose creation webhooks (`account.created`) the gateway has
 * acknowledged, then empties the gateway's read model: the customer is cold, and no webhook of
 * its creation is left to land during the test. For tests that count a cold read's Stripe calls.
 */
export async function coldCustomer(
  stack: TestStack,
  accounts: number,
  authorizations: number,
): Promise<SandboxCustomer> {
  const customer = await controlOf(stack).createCustomer({ accounts, authorizations });
  for (const eventId of customer.events ?? []) await controlOf(stack).acknowledged(eventId);
  await stack.gateway.readModel.store.clear();
  return customer;
}
