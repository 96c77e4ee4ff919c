import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogSink, startStack, type TestStack } from "../support/gateway.js";
import { feed, liveClient, registered } from "../support/live.js";
import { control, createCustomer } from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";
import { wsOperation } from "../support/ws-operation.js";

const sink = new LogSink();
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ logSink: sink });
});
afterAll(() => stack.close());

interface OperationLine {
  msg: string;
  transport?: string;
  operation?: string | null;
  type?: string | null;
  stripeCalls?: number;
  requestId?: string;
  errorCodes?: string[];
  upstreamErrors?: Record<string, unknown>[];
}

const operationLines = () =>
  sink.lines
    .map((line) => JSON.parse(line) as OperationLine)
    .filter((line) => line.msg === "graphql operation" && line.transport === "ws");

describe("operations over WebSocket", () => {
  it("log one line each when they complete, with name, type, Stripe calls and a socket-scoped id", async () => {
    const customer = await createCustomer(stack, 2, 1);
    const client = await liveClient(stack, customer.id);
    const query = feed(
      client,
      "query WsDashboard { accounts(refresh: true) { nodes { id authorization { id } } } }",
    );
    await eventually(() => query.events.length === 1, 5_000, "the query's answer");
    await eventually(
      () => operationLines().some((line) => line.operation === "WsDashboard"),
      5_000,
      "its log line",
    );
    const line = operationLines().find((entry) => entry.operation === "WsDashboard");
    expect(line).toMatchObject({ type: "query", stripeCalls: 2, errorCodes: [] });
    expect(line?.requestId).toMatch(/^ws-[0-9a-f-]+:/);

    const live = await registered(stack.gateway, customer.id, () =>
      feed(
        client,
        "subscription WsWatch { accountDeactivated { eventId account { authorization { id } } } }",
      ),
    );
    await control(stack, "POST", `/_sandbox/accounts/${customer.accounts[0]}/deactivate`, {});
    await eventually(() => live.events.length >= 1, 5_000, "the pushed event");
    live.stop();
    await eventually(
      () => operationLines().some((entry) => entry.operation === "WsWatch"),
      5_000,
      "the subscription's line",
    );
    const subscription = operationLines().find((entry) => entry.operation === "WsWatch");
    expect(subscription?.type).toBe("subscription");
    // The pushed account's authorization is the read model's (the dashboard above stored it).
    expect(subscription?.stripeCalls).toBe(0);
    await client.dispose();
  });

  it("log an operation name over 100 characters as its first 100 characters and '…'", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const client = await liveClient(stack, customer.id);
    // 60 KB: as long as a name can be inside the socket's 64 KB message limit.
    const name = `WsLong${"y".repeat(60 * 1024)}`;
    const answer = await wsOperation(
      client,
      `query ${name} { accounts(first: 1) { nodes { id } } }`,
    );
    expect(answer.errors).toBeUndefined();
    const truncated = `${name.slice(0, 100)}…`;
    await eventually(
      () => operationLines().some((line) => line.operation?.startsWith("WsLong")),
      5_000,
      "its log line",
    );
    const line = operationLines().find((entry) => entry.operation?.startsWith("WsLong"));
    expect(line?.operation).toBe(truncated);
    // As on HTTP, only the trace-level copy of the query itself carries the whole name.
    const infoAndAbove = sink.lines.filter(
      (text) => (JSON.parse(text) as { level: number }).level >= 30,
    );
    expect(infoAndAbove.some((text) => text.includes(name))).toBe(false);
    await client.dispose();
  });

  it("translate errors as HTTP does: a Stripe refusal is UPSTREAM_ERROR for the client and Stripe's details in the log", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const client = await liveClient(stack, customer.id);
    await control(stack, "POST", "/_sandbox/faults", {
      status: 404,
      count: 1,
      route: "GET /v1/financial_connections/accounts/{account}",
    });
    const refused = await wsOperation(
      client,
      "query WsRefused($id: ID!) { account(id: $id, refresh: true) { id } }",
      {
        id: customer.accounts[0],
      },
    );
    expect(refused.data).toEqual({ account: null });
    expect(refused.errors).toEqual([
      expect.objectContaining({ extensions: { code: "UPSTREAM_ERROR" } }),
    ]);
    await eventually(
      () => operationLines().some((entry) => entry.operation === "WsRefused"),
      5_000,
      "its log line",
    );
    const line = operationLines().find((entry) => entry.operation === "WsRefused");
    expect(line?.errorCodes).toEqual(["UPSTREAM_ERROR"]);
    expect(line?.upstreamErrors).toEqual([
      expect.objectContaining({
        path: "account",
        status: 404,
        code: null,
        requestId: expect.stringMatching(/^req_/),
      }),
    ]);
    await client.dispose();
  });
});
