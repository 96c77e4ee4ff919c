import type { SandboxControl } from "../sandbox-control.js";
import { deactivateAccount, readAccount } from "./sandbox-accounts.js";

/** A sandbox customer with one deactivated account, ready to be the subject of webhooks. */
export interface DeactivatedCustomer {
  customerId: string;
  accountId: string;
  /** The account as Stripe would put it in the event (`data.object`). */
  account: unknown;
}

/**
 * Creates `count` customers of one account and one authorization each, and deactivates every
 * account, so that a `…account.deactivated` event about it is still true when the gateway
 * re-reads the account (it publishes instead of answering "stale"). Throws on any sandbox error.
 */
export async function deactivatedCustomers(
  sandbox: SandboxControl,
  sandboxUrl: string,
  count: number,
): Promise<DeactivatedCustomer[]> {
  const customers: DeactivatedCustomer[] = [];
  for (let index = 0; index < count; index += 1) {
    const created = await sandbox.createCustomer(1, 1);
    const accountId = created.accounts[0];
    if (accountId === undefined) throw new Error(`sandbox customer ${created.id} has no account`);
    await deactivateAccount(sandboxUrl, accountId);
    customers.push({
      customerId: created.id,
      accountId,
      account: await readAccount(sandboxUrl, accountId),
    });
  }
  return customers;
}
