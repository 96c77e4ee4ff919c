/** close() stops everything the sandbox started, so a test run (or the gateway) can exit. */
import { describe, expect, it } from "vitest";
import { startHarness } from "../support/sandbox.js";

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

describe("sandbox shutdown", () => {
  it("close() leaves no server, socket or timer behind, even with webhook retries pending", async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = resources();
    const harness = await startHarness({
      webhookRetry: { maxAttempts: 5, baseDelayMs: 5_000, maxDelayMs: 10_000 },
    });
    harness.receiver.respond(() => 500);
    const customer = await harness.control.createCustomer({ accounts: 1, authorizations: 1 });
    await harness.control.fault({ delay_ms: 5_000, count: 1 });
    const delayed = harness.stripe.financialConnections.accounts
      .retrieve(customer.accounts[0] ?? "")
      .catch((error: unknown) => error);
    const answer = await harness.control.account(customer.accounts[0] ?? "", "disconnect");
    expect(answer.events.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(harness.receiver.deliveries.length).toBeGreaterThan(0);
    const started = Date.now();
    await harness.close();
    await delayed;
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = resources();
    for (const kind of ["TCPServerWrap", "TCPSocketWrap", "Timeout"]) {
      expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0);
    }
  });
});
