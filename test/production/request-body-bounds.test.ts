import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  discardAllowanceFor,
  GRAPHQL_BODY_LIMIT,
  WEBHOOK_BODY_LIMIT,
} from "../../src/server/body-limits.js";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";
import { createCustomer } from "../support/sandbox-control.js";
import { type StalledAnswer, stalledUpload } from "../support/stalled-upload.js";

setFlagsFromString("--expose-gc");
/** V8's collector, so memory is compared without garbage in it. */
const collectGarbage = runInNewContext("gc") as () => void;

/** Bytes of memory in use once garbage is collected: the heap and the buffers outside it. */
function memoryInUse(): number {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  // `external` includes the ArrayBuffers (Buffers) outside the heap.
  return usage.heapUsed + usage.external;
}

let stack: TestStack;
let authorization: string;

beforeAll(async () => {
  stack = await startStack({ env: { ...PRODUCTION_ENV } });
  const customer = await createCustomer(stack, 1, 1);
  authorization = `Bearer ${await tokenFor(stack, customer.id)}`;
});
afterAll(() => stack.close());

/** A route that reads a body, what it accepts, and its limit. */
interface Route {
  name: string;
  path: string;
  limit: number;
  /** The headers that pick the route's transport (Accept). */
  headers: Record<string, string>;
}

const ROUTES: Route[] = [
  { name: "GraphQL over HTTP", path: "/graphql", limit: GRAPHQL_BODY_LIMIT, headers: {} },
  {
    name: "multipart subscriptions",
    path: "/graphql",
    limit: GRAPHQL_BODY_LIMIT,
    headers: { accept: 'multipart/mixed;subscriptionSpec="1.0", application/json' },
  },
  {
    name: "Server-Sent Events",
    path: "/graphql/stream",
    limit: GRAPHQL_BODY_LIMIT,
    headers: { accept: "text/event-stream" },
  },
  {
    name: "Stripe webhooks",
    path: "/webhooks/stripe",
    limit: WEBHOOK_BODY_LIMIT,
    headers: { "stripe-signature": "t=1,v1=00" },
  },
];

/**
 * Content types sent, and the status each route must answer a body of 5x its limit with when it
 * is sent chunked; one that declares its length over the limit is 413 whatever its type.
 */
const CONTENT_TYPES: { type: string; status: number }[] = [
  { type: "application/json", status: 413 },
  { type: "application/json; charset=utf-8", status: 413 },
  { type: "application/json-patch+json", status: 415 },
  { type: "text/plain", status: 415 },
  { type: "application/x-www-form-urlencoded", status: 415 },
];

interface Case {
  route: Route;
  type: string;
  status: number;
  withToken: boolean;
  declareLength: boolean;
}

const CASES: Case[] = ROUTES.flatMap((route) =>
  CONTENT_TYPES.flatMap(({ type, status }) =>
    [true, false].flatMap((withToken) =>
      [false, true].map((declareLength) => ({
        route,
        type,
        status: declareLength ? 413 : status,
        withToken,
        declareLength,
      })),
    ),
  ),
);

const describeCase = (c: Case) =>
  `${c.route.name} (${c.route.path}), ${c.type}, ${c.withToken ? "with" : "without"} a token, ${
    c.declareLength ? "Content-Length declared" : "chunked"
  }`;

/** Sends 5x the route's limit and never ends the upload: resolves with the answer it got. */
function send(c: Case): Promise<StalledAnswer> {
  return stalledUpload(
    `${stack.gateway.url}${c.route.path}`,
    {
      ...c.route.headers,
      "content-type": c.type,
      ...(c.withToken ? { authorization } : {}),
    },
    5 * c.route.limit,
    c.declareLength,
  );
}

describe("request bodies are bounded on every route, before anything else reads them", () => {
  it("Server-Sent Events: a JSON-patch body of 5x the limit without a token is refused (415) while the upload is still open", async () => {
    const answer = await send({
      route: ROUTES[2] as Route,
      type: "application/json-patch+json",
      status: 415,
      withToken: false,
      declareLength: false,
    });
    answer.close();
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toMatchObject({
      errors: [{ extensions: { code: "BAD_REQUEST" } }],
    });
  });

  for (const c of CASES) {
    it(`${describeCase(c)}: ${c.status} before the upload ends`, async () => {
      const answer = await send(c);
      answer.close();
      expect(answer.status).toBe(c.status);
      const body = JSON.parse(answer.body) as object;
      // Each route's error shape: GraphQL's `{errors}`, the webhook's `{error}`, always a code.
      expect(JSON.stringify(body)).toContain('"code":"BAD_REQUEST"');
    });
  }

  it("keeps reading a refused upload only up to its allowance, then closes the connection", async () => {
    // Far more than the allowance and what the sockets' buffers hold: a server that kept reading
    // would take it all, and the upload (never ended) would stay open.
    const bytes = 16 * (GRAPHQL_BODY_LIMIT + discardAllowanceFor(GRAPHQL_BODY_LIMIT));
    const answer = await stalledUpload(
      `${stack.gateway.url}/graphql/stream`,
      { accept: "text/event-stream", "content-type": "application/json-patch+json" },
      bytes,
    );
    expect(answer.status).toBe(415);
    await answer.closed;
    expect(answer.written).toBeLessThan(bytes);
  });

  it("memory does not grow with the refused bodies: all of them open at once add less than 4 MB", async () => {
    // A first round warms the code paths and the pools every connection uses.
    for (const answer of await Promise.all(CASES.map(send))) answer.close();
    const before = memoryInUse();
    const answers = await Promise.all(CASES.map(send));
    const during = memoryInUse();
    for (const answer of answers) answer.close();
    expect(answers.map((answer) => answer.status)).toEqual(CASES.map((c) => c.status));
    expect(during - before).toBeLessThan(4 * 1024 * 1024);
  }, 60_000);
});
