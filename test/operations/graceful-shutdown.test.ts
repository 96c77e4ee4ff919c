import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { exitOnSignals, gracefulShutdown } from "../../src/server/shutdown.js";
import { graphql, LogSink, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import {
  bodyText,
  type HttpFeed,
  multipartRequest,
  sseFeed,
} from "../support/http-subscriptions.js";
import { feed, liveClient, registered } from "../support/live.js";
import {
  control,
  createCustomer,
  requestCounts,
  resetRequests,
} from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";

const DASHBOARD =
  "query Dashboard { accounts(refresh: true) { nodes { id status authorization { id } } } }";
const IN_FLIGHT = 30;

let stack: TestStack;
const sink = new LogSink();
beforeAll(async () => {
  stack = await startStack({
    env: {
      RATE_LIMIT_COST_PER_MINUTE: "100000000",
      RATE_LIMIT_REFRESHES_PER_MINUTE: "1000000",
      STRIPE_RATE_LIMIT_PER_SECOND: "10000",
    },
  });
});
afterAll(() => stack.sandbox.close());

/** A graphql-ws client with one live subscription; resolves with the code its socket closed with. */
async function subscribedSocket(customerId: string) {
  const client = await liveClient(stack, customerId);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.on("closed", (event) => {
      const { code, reason } = event as { code: number; reason: string };
      resolve({ code, reason });
    }),
  );
  const live = await registered(stack.gateway, customerId, () =>
    feed(client, "subscription { accountDeactivated { eventId } }"),
  );
  return { closed, live };
}

describe("graceful shutdown", () => {
  it("during load: accepted requests all complete with 200 and data, new connections are refused (never a 5xx), sockets close with 1001, streams complete", async () => {
    const customer = await createCustomer(stack, 5, 2);
    const socket = await subscribedSocket(customer.id);
    const token = await tokenFor(stack, customer.id);
    const watch = "subscription { accountDeactivated { eventId } }";
    const sse = (await registered(stack.gateway, customer.id, () =>
      sseFeed(stack, token, watch),
    )) as HttpFeed<unknown>;
    const multipart = bodyText(await multipartRequest(stack, token, watch));
    // Every upstream call of the load takes 400 ms, so the queries are in flight at SIGTERM.
    await resetRequests(stack);
    await control(stack, "POST", "/_sandbox/faults", { delay_ms: 400, count: IN_FLIGHT * 3 });
    const load = Array.from({ length: IN_FLIGHT }, () =>
      graphql(stack, DASHBOARD, {}, customer.id),
    );
    // Wait until every query reached the upstream: all were accepted by the gateway.
    await eventually(
      async () => (await requestCounts(stack)).total >= IN_FLIGHT,
      5_000,
      "every query to reach the upstream",
    );
    expect((await requestCounts(stack)).total).toBeGreaterThanOrEqual(IN_FLIGHT);

    const shutdown = gracefulShutdown({
      logger: createLogger("info", sink),
      timeoutMs: 10_000,
      steps: [{ name: "gateway", close: () => stack.gateway.close() }],
    });
    // The shutdown closed the listening socket: from now on a new connection is refused.
    await eventually(
      () => !stack.gateway.httpServer.listening,
      5_000,
      "the gateway to stop listening",
    );
    const late = await fetch(`${stack.gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    }).then(
      (response) => response.status,
      () => "refused" as const,
    );

    const answers = await Promise.all(load);
    expect(await shutdown).toEqual({ clean: true });
    expect(answers.map((answer) => answer.status)).toEqual(Array(IN_FLIGHT).fill(200));
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
    expect(late).toBe("refused");
    expect(await socket.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    // SSE and multipart subscription streams complete: a `complete` event, the closing boundary.
    await sse.changes.until(() => (sse.completed() ? true : undefined), "the SSE stream's end");
    expect(sse.errors).toEqual([]);
    await multipart.changes.until(() => (multipart.ended ? true : undefined), "the multipart end");
    expect(multipart.text.endsWith("\r\n--graphql--\r\n")).toBe(true);
    const messages = sink.lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(["closed", "shutdown complete"]);
  });
});

describe("exitOnSignals", () => {
  const fakeProcess = () => {
    const listeners = new Map<string, () => void>();
    return {
      listeners,
      once: (signal: string, listener: () => void) => listeners.set(signal, listener),
      removeListener: (signal: string) => listeners.delete(signal),
      emit: (signal: string) => listeners.get(signal)?.(),
    };
  };

  it("runs the shutdown on SIGTERM and exits 0 when it was clean, 1 when not", async () => {
    for (const clean of [true, false]) {
      const target = fakeProcess();
      const exit = vi.fn();
      exitOnSignals({
        signals: ["SIGTERM", "SIGINT"],
        logger: createLogger("silent"),
        shutdown: async () => ({ clean }),
        exit,
        target,
      });
      target.emit("SIGTERM");
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(clean ? 0 : 1));
    }
  });

  it("exits at once with 1 on a second signal during a shutdown that hangs", () => {
    const target = fakeProcess();
    const exit = vi.fn();
    const shutdown = vi.fn(() => new Promise<{ clean: boolean }>(() => {}));
    exitOnSignals({ signals: ["SIGTERM"], logger: createLogger("silent"), shutdown, exit, target });
    target.emit("SIGTERM");
    expect(exit).not.toHaveBeenCalled();
    target.emit("SIGTERM");
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it("gracefulShutdown reports a failing or hanging step as unclean, and still resolves", async () => {
    const logger = createLogger("silent");
    const failing = await gracefulShutdown({
      logger,
      timeoutMs: 1_000,
      steps: [{ name: "redis", close: () => Promise.reject(new Error("boom")) }],
    });
    expect(failing).toEqual({ clean: false });
    const hanging = await gracefulShutdown({
      logger,
      timeoutMs: 50,
      steps: [{ name: "stuck", close: () => new Promise(() => {}) }],
    });
    expect(hanging).toEqual({ clean: false });
  });
});

describe("who handles termination signals", () => {
  it("the gateway installs no SIGTERM or SIGINT handler of its own, outside NODE_ENV=test too (Apollo's would re-send the signal mid-drain)", async () => {
    const nodeEnv = process.env.NODE_ENV;
    const before = ["SIGTERM", "SIGINT"].map((signal) => process.listenerCount(signal));
    // Apollo Server decides at start whether to handle signals, from process.env.NODE_ENV.
    process.env.NODE_ENV = "production";
    let production: TestStack | undefined;
    try {
      production = await startStack();
      const during = ["SIGTERM", "SIGINT"].map((signal) => process.listenerCount(signal));
      expect(during).toEqual(before);
    } finally {
      process.env.NODE_ENV = nodeEnv;
      await production?.close();
    }
  });
});
