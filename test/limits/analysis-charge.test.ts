/**
 * Issue 20, MEDIUM 2: parsing and validating is charged to the sender, and refused documents
 * count against it like executed ones, over HTTP and WebSocket (SSE and multipart share the
 * pipeline's stage: see the "spent budget" row of test/pipeline/cross-transport.test.ts). The
 * charge is read from `extensions.cost` (requested, remaining), never from durations.
 */
import { parse } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analysisCost, validationWork } from "../../src/limits/validation-work.js";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { liveClient } from "../support/live.js";
import { createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { type WsOutcome, wsOperation } from "../support/ws-operation.js";

const MAX_WORK = 5_000;
/** 60 same-named fields: 60 + 1,770 pairs = 1,830 units of validation work, one point. */
const SIXTY = `{ ${"__typename ".repeat(60)}}`;
/** Price of SIXTY: a point per field. */
const SIXTY_PRICE = 60;
/** 120 of them: 120 + 7,140 pairs, over MAX_WORK. */
const TOO_COMPLEX = `{ ${"__typename ".repeat(120)}}`;
const ONE_POINT = "{ __typename }";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { GRAPHQL_MAX_VALIDATION_WORK: String(MAX_WORK) } });
});
afterAll(() => stack.close());

type Cost = { requested: number; remaining: number };
const costOf = (answer: WsOutcome) => answer.extensions?.cost as Cost | undefined;

/** Posts `query` (and `operationName`) as `customer`; the answer with its status. */
async function post(
  customer: SandboxCustomer,
  query: string,
  operationName?: string,
): Promise<WsOutcome & { status: number }> {
  const response = await fetch(`${stack.gateway.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await tokenFor(stack, customer.id)}`,
    },
    body: JSON.stringify({ query, operationName }),
  });
  return { status: response.status, ...((await response.json()) as WsOutcome) };
}

/** What was left of `customer`'s budget before a one-point query over HTTP (which it spends). */
async function remaining(customer: SandboxCustomer): Promise<number> {
  const cost = costOf(await post(customer, ONE_POINT));
  if (cost === undefined) throw new Error("no cost report");
  return cost.remaining + cost.requested;
}

describe("the analysis of a document is charged", () => {
  let customer: SandboxCustomer;
  let ws: Client;
  beforeAll(async () => {
    customer = await createCustomer(stack, 1, 1);
    ws = await liveClient(stack, customer.id);
  });
  afterAll(() => ws.dispose());

  it("with the operation: a point per 1,000 units of validation work, none for a cached document on any transport", async () => {
    expect(analysisCost(validationWork(parse(SIXTY), MAX_WORK))).toBe(1);
    expect(costOf(await post(customer, SIXTY))?.requested).toBe(SIXTY_PRICE + 1);
    // The same text again over HTTP: its document is cached, nothing is parsed or validated.
    expect(costOf(await post(customer, SIXTY))?.requested).toBe(SIXTY_PRICE);
    // Over WebSocket the cached document is shared as well; a text not seen before is analysed.
    expect(costOf(await wsOperation(ws, SIXTY))?.requested).toBe(SIXTY_PRICE);
    const unseen = `${SIXTY}\n`;
    expect(costOf(await wsOperation(ws, unseen))?.requested).toBe(SIXTY_PRICE + 1);
    expect(costOf(await wsOperation(ws, unseen))?.requested).toBe(SIXTY_PRICE);
  });

  it("for a refused document, like an operation that ran, on HTTP and WebSocket", async () => {
    const refusals: [string, string | undefined, string][] = [
      ["query Broken {", undefined, "GRAPHQL_PARSE_FAILED"],
      ["{ nope }", undefined, "GRAPHQL_VALIDATION_FAILED"],
      ["query Named { __typename }", "Absent", "OPERATION_RESOLUTION_FAILURE"],
    ];
    const before = await remaining(customer);
    for (const [query, operationName, code] of refusals) {
      const answer = await post(customer, query, operationName);
      expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    }
    const afterHttp = await remaining(customer);
    // Each refusal one point (they need no analysis point), plus the one-point probe.
    expect(afterHttp).toBe(before - 1 - refusals.length);
    for (const [query, , code] of refusals.slice(0, 2)) {
      const overSocket = await wsOperation(ws, query);
      expect(overSocket.errors?.[0]?.extensions?.code).toBe(code);
    }
    expect(await remaining(customer)).toBe(afterHttp - 1 - 2);
  });

  it("for a document over the validation-work limit: the limit's points, on HTTP and WebSocket", async () => {
    const before = await remaining(customer);
    const overHttp = await post(customer, TOO_COMPLEX);
    expect(overHttp.status).toBe(400);
    expect(overHttp.errors?.[0]?.extensions?.code).toBe("DOCUMENT_TOO_COMPLEX");
    const overSocket = await wsOperation(ws, TOO_COMPLEX);
    expect(overSocket.errors?.[0]?.extensions?.code).toBe("DOCUMENT_TOO_COMPLEX");
    expect(await remaining(customer)).toBe(before - 1 - 2 * analysisCost(MAX_WORK));
  });
});
