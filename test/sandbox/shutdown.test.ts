/** close() stops everything the sandbox started, so a test run (or the gateway) can exit. */
import { describe, expect, it } from "vitest";
import { openResources } from "../support/open-resources.js";
import { startHarness } from "../support/sandbox-harness.js";
import { waitFor } from "../support/wait.js";

describe("sandbox shutdown", () => {
  it("close() leaves no server, socket or timer behind, even with webhook retries pending", async () => {
    const created = openResources();
    try {
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
      // The sandbox saw the first attempt answered 500: its retry is now pending, 5 s out.
      await waitFor(async () => {
        const [delivery] = (await harness.control.deliveriesOf(answer.events[0] ?? "")) ?? [];
        return delivery?.last_status_code === 500 ? delivery : undefined;
      }, "the first delivery attempt's 500");
      expect(harness.receiver.deliveries.length).toBeGreaterThan(0);
      const started = Date.now();
      await harness.close();
      await delayed;
      expect(Date.now() - started).toBeLessThan(2_000);
      // Client ends of closed connections are released a few turns of the event loop after
      // close() resolved: a leak stays open past that bound, and fails here.
      expect(await created.settled()).toEqual([]);
    } finally {
      created.stop();
    }
  });
});
