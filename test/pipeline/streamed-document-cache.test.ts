/**
 * The transports that parse documents themselves (graphql-ws, SSE) share the document cache with
 * Apollo's HTTP path: a text whose operation was admitted before, on any transport, is neither
 * parsed nor validated again (`fc_gateway_document_analyses_total{outcome="parsed"}` on /metrics
 * counts the texts parsed), and every subscription of one text holds the one cached document;
 * a text whose operation was refused is cached by none.
 */
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { liveClient } from "../support/live.js";
import { createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

describe("the document cache on the streaming transports", () => {
  let stack: TestStack;
  let customer: SandboxCustomer;
  let socket: Client;
  beforeAll(async () => {
    stack = await startStack();
    customer = await createCustomer(stack, 2, 1);
    socket = await liveClient(stack, customer.id);
  });
  afterAll(async () => {
    await socket.dispose();
    await stack.close();
  });

  /** Texts the gateway has parsed so far. */
  async function parsedSoFar(): Promise<number> {
    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    return Number(
      /^fc_gateway_document_analyses_total\{outcome="parsed"\} (\d+)/m.exec(text)?.[1] ?? 0,
    );
  }

  /** Sends `query` over SSE (distinct connections): its status and its one result. */
  async function overSse(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${stack.gateway.url}/graphql/stream`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${await tokenFor(stack, customer.id)}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    const stream = await response.text();
    const next = /^event: next\ndata: (.*)$/m.exec(stream)?.[1];
    if (next === undefined) throw new Error(`no result in ${stream.slice(0, 200)}`);
    return { status: response.status, ...(JSON.parse(next) as { data?: unknown }) };
  }

  it("parses a text once over graphql-ws and SSE, then answers it from the cache", async () => {
    const query = "query StreamedOnce { accounts(first: 5) { nodes { id status } } }";
    const before = await parsedSoFar();
    const first = await wsOperation(socket, query);
    expect(first.errors).toBeUndefined();
    expect(await parsedSoFar()).toBe(before + 1);
    const again = await wsOperation(socket, query);
    const overStream = await overSse(query);
    expect(again.data).toEqual(first.data);
    expect(overStream.status).toBe(200);
    expect(overStream.data).toEqual(first.data);
    expect(await parsedSoFar()).toBe(before + 1);
  });

  it("answers a text admitted over HTTP from the cache over graphql-ws", async () => {
    const query = "query HttpFirst { accounts(first: 3) { nodes { id } } }";
    const overHttp = await graphql(stack, query, {}, customer.id);
    expect(overHttp.errors).toBeUndefined();
    const before = await parsedSoFar();
    const overWs = await wsOperation(socket, query);
    expect(overWs.data).toEqual(overHttp.data);
    expect(await parsedSoFar()).toBe(before);
  });

  it("caches nothing of an operation refused after validation: the text is parsed again", async () => {
    const query = "query Refused($first: Int!) { accounts(first: $first) { nodes { id } } }";
    const before = await parsedSoFar();
    for (const attempt of [1, 2]) {
      const refused = await wsOperation(socket, query, { first: "not a number" });
      expect(refused.errors?.[0]?.extensions?.code, `attempt ${attempt}`).toBe("BAD_USER_INPUT");
    }
    expect(await parsedSoFar()).toBe(before + 2);
  });
});
