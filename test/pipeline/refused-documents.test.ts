/**
 * A document text the analysis stage refused (unparsable, too complex) is refused again from
 * memory, without being parsed (`fc_gateway_document_analyses_total{outcome}` on /metrics says
 * which texts were parsed), with the same answer and the same charge, on HTTP, graphql-ws and
 * SSE; the memory (src/pipeline/refused-documents.ts) keeps no text and is bounded.
 */
import { type GraphQLError, parse } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recoded } from "../../src/errors/coded-error.js";
import { createRefusedDocuments } from "../../src/pipeline/refused-documents.js";
import { graphql, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { liveClient } from "../support/live.js";
import { createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

const MAX_WORK = 5_000;
/** 120 same-named fields: 120 + 7,140 pairs, over MAX_WORK. */
const TOO_COMPLEX = `{ ${"__typename ".repeat(120)}}`;
const BROKEN = "query Broken {\n  accounts {";
const ONE_POINT = "{ __typename }";

/** The parse error graphql-js raises for `text`, as the analysis stage answers it. */
function parseFailure(text: string): GraphQLError {
  try {
    parse(text);
  } catch (error) {
    return recoded(error as GraphQLError, "GRAPHQL_PARSE_FAILED");
  }
  throw new Error("it parsed");
}

describe("the memory of refused documents", () => {
  it("gives back the refusal it was told, located in the text sent again", () => {
    const refused = createRefusedDocuments("rules");
    const error = parseFailure(BROKEN);
    refused.remember(BROKEN, error, "GRAPHQL_PARSE_FAILED", 0);
    const recalled = refused.recall(BROKEN);
    expect(recalled?.analysisCost).toBe(0);
    expect(recalled?.error.toJSON()).toEqual(error.toJSON());
    expect(recalled?.error.toJSON().locations).toEqual([{ line: 2, column: 13 }]);
    expect(refused.recall(`${BROKEN} `)).toBeUndefined();
  });

  it("keeps no text: a 1 MB text's refusal holds under 1 KB", () => {
    const refused = createRefusedDocuments("rules");
    const text = `${"# comment\n".repeat(100_000)}{`;
    refused.remember(text, parseFailure(text), "GRAPHQL_PARSE_FAILED", 0);
    expect(refused.size().entries).toBe(1);
    expect(refused.size().bytes).toBeLessThan(1024);
  });

  it("is bounded in entries and bytes, least recently used out", () => {
    const refused = createRefusedDocuments("rules", { maxEntries: 2 });
    for (const text of ["{", "{ a", "{ b"]) {
      refused.remember(text, parseFailure(text), "GRAPHQL_PARSE_FAILED", 0);
    }
    expect(refused.size().entries).toBe(2);
    expect(refused.recall("{")).toBeUndefined();
    expect(refused.recall("{ b")).toBeDefined();
    const small = createRefusedDocuments("rules", { maxBytes: 1_000 });
    for (const text of ["{", "{ a", "{ b", "{ c", "{ d"]) {
      small.remember(text, parseFailure(text), "GRAPHQL_PARSE_FAILED", 0);
    }
    expect(small.size().bytes).toBeLessThanOrEqual(1_000);
  });
});

describe("through the gateway", () => {
  let stack: TestStack;
  let customer: SandboxCustomer;
  let socket: Client;
  beforeAll(async () => {
    stack = await startStack({ env: { GRAPHQL_MAX_VALIDATION_WORK: String(MAX_WORK) } });
    customer = await createCustomer(stack, 1, 1);
    socket = await liveClient(stack, customer.id);
  });
  afterAll(async () => {
    await socket.dispose();
    await stack.close();
  });

  /** The texts the gateway parsed for analysis, and refused from memory, so far. */
  async function analyses() {
    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    const count = (outcome: string) =>
      Number(
        new RegExp(
          `^fc_gateway_document_analyses_total\\{outcome="${outcome}"\\} (\\d+)`,
          "m",
        ).exec(text)?.[1] ?? 0,
      );
    return { parsed: count("parsed"), recalled: count("refusal_recalled") };
  }

  /** Points left of the customer's budget (a one-point query, which it spends, tells). */
  async function remaining(): Promise<number> {
    const answer = (await graphql(stack, ONE_POINT, {}, customer.id)) as {
      extensions?: { cost?: { remaining: number; requested: number } };
    };
    const cost = answer.extensions?.cost;
    if (cost === undefined) throw new Error("no cost report");
    return cost.remaining + cost.requested;
  }

  /** Sends `query` over SSE (distinct connections): its status and answer. */
  async function overSse(query: string) {
    const response = await fetch(`${stack.gateway.url}/graphql/stream`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${await tokenFor(stack, customer.id)}`,
      },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  const transports = {
    http: (query: string) => graphql(stack, query, {}, customer.id),
    ws: (query: string) => wsOperation(socket, query),
    sse: overSse,
  };

  for (const [name, query, code] of [
    ["too complex", TOO_COMPLEX, "DOCUMENT_TOO_COMPLEX"],
    ["unparsable", BROKEN, "GRAPHQL_PARSE_FAILED"],
  ] as const) {
    it(`refuses a ${name} document it refused before without parsing it, with the same answer and charge, on HTTP, WebSocket and SSE`, async () => {
      await remaining(); // the one-point query is cached from here on: it is never parsed again
      const before = await analyses();
      const budget = await remaining();
      const first = await transports.http(query);
      expect(first.status).toBe(400);
      expect(first.errors?.[0]?.extensions?.code).toBe(code);
      const charged = budget - (await remaining());
      expect(charged).toBeGreaterThanOrEqual(1);
      const parsedOnce = await analyses();
      expect(parsedOnce.parsed - before.parsed).toBe(1);
      for (const [transport, again] of Object.entries(transports)) {
        const last = await analyses();
        const left = await remaining();
        const answer: { status?: number; errors?: unknown } = await again(query);
        expect(answer.errors, transport).toEqual(first.errors);
        if (transport !== "ws") expect(answer.status, transport).toBe(400);
        expect(left - (await remaining()), transport).toBe(charged);
        const now = await analyses();
        expect(now.parsed - last.parsed, transport).toBe(0);
        expect(now.recalled - last.recalled, transport).toBe(1);
      }
    });
  }
});
