/** close() stops everything the sandbox started, so a test run (or the gateway) can exit. */
import { createHook } from "node:async_hooks";
import { setImmediate as nextTurnOfTheEventLoop } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { startHarness } from "../support/sandbox-harness.js";
import { waitFor } from "../support/wait.js";

/**
 * Tracks the servers, sockets and timers created from now on: `open()` lists those not closed
 * (timers: not cleared or fired) since. Counting what this test created, rather than comparing
 * process-wide totals, keeps the test runner's own short-lived timers out of the count.
 */
function openResources() {
  const open = new Map<number, string>();
  const hook = createHook({
    init(asyncId, type) {
      if (type === "TCPSERVERWRAP" || type === "TCPWRAP" || type === "Timeout") {
        open.set(asyncId, type);
      }
    },
    destroy(asyncId) {
      open.delete(asyncId);
    },
  });
  hook.enable();
  return { open: () => [...open.values()].sort(), stop: () => hook.disable() };
}

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
      // Client ends of closed connections are released (and reported) a few turns of the event
      // loop after close() resolved: wait for that, within a bound, turning the loop without a
      // timer of our own; a leak stays open, and fails below.
      const deadline = Date.now() + 2_000;
      while (created.open().length > 0 && Date.now() < deadline) await nextTurnOfTheEventLoop();
      expect(created.open()).toEqual([]);
    } finally {
      created.stop();
    }
  });
});
