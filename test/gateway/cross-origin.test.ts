import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";
import { createCustomer, requestCounts, resetRequests } from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";

/** /metrics is read with it in every mode (production serves it only with a token). */
const METRICS_TOKEN = "cors-test-metrics-token-0001";
const APP = "https://app.example.test";

/** One GraphQL request a browser app makes, by route, method and transport. */
interface Route {
  name: string;
  method: "GET" | "POST";
  path: string;
  /** The request's headers besides the token; the non-safelisted ones are named in its preflight. */
  headers: Record<string, string>;
  body?: unknown;
  /** Answers a stream: only its status and headers are read, then the client leaves. */
  streams?: boolean;
}

const QUERY = "query Dashboard { accounts { nodes { id status health { state } } } }";
const SUBSCRIPTION = "subscription Watch { accountDeactivated { eventId } }";
const JSON_TYPE = { "content-type": "application/json" };

const ROUTES: Route[] = [
  {
    name: "POST /graphql (query)",
    method: "POST",
    path: "/graphql",
    headers: JSON_TYPE,
    body: { query: QUERY },
  },
  {
    name: "GET /graphql (query, CSRF header)",
    method: "GET",
    path: `/graphql?query=${encodeURIComponent(QUERY)}`,
    headers: { "apollo-require-preflight": "true" },
  },
  {
    name: "POST /graphql (multipart subscription)",
    method: "POST",
    path: "/graphql",
    headers: { ...JSON_TYPE, accept: 'multipart/mixed;subscriptionSpec="1.0", application/json' },
    body: { query: SUBSCRIPTION },
    streams: true,
  },
  {
    name: "POST /graphql/stream (SSE)",
    method: "POST",
    path: "/graphql/stream",
    headers: { ...JSON_TYPE, accept: "text/event-stream" },
    body: { query: SUBSCRIPTION },
    streams: true,
  },
  {
    name: "GET /graphql/stream (SSE)",
    method: "GET",
    path: `/graphql/stream?query=${encodeURIComponent(SUBSCRIPTION)}`,
    headers: { accept: "text/event-stream" },
    streams: true,
  },
];

/** Request headers a browser would name in Access-Control-Request-Headers for `route`. */
const preflightHeaders = (route: Route) =>
  ["authorization", ...Object.keys(route.headers).filter((name) => name !== "accept")].join(",");

/** The browser's preflight for `route` from `origin`. */
const preflight = (stack: TestStack, route: Route, origin: string) =>
  fetch(`${stack.gateway.url}${route.path}`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": route.method,
      "access-control-request-headers": preflightHeaders(route),
    },
  });

/**
 * The actual request of `route` from `origin` (none: no Origin header), with a token. A stream
 * that opened is left at once, and awaited until the gateway counted its operation (it counts a
 * subscription when it ends), so later counts hold only later requests.
 */
async function send(stack: TestStack, route: Route, customer: string, origin?: string) {
  const counted = route.streams ? await operationsCounted(stack) : 0;
  const abort = new AbortController();
  const response = await fetch(`${stack.gateway.url}${route.path}`, {
    method: route.method,
    headers: {
      ...route.headers,
      authorization: `Bearer ${await tokenFor(stack, customer)}`,
      ...(origin === undefined ? {} : { origin }),
    },
    body: route.body === undefined ? undefined : JSON.stringify(route.body),
    signal: abort.signal,
  });
  const text = route.streams && response.status === 200 ? "" : await response.text();
  abort.abort();
  if (route.streams && response.status === 200)
    await eventually(
      async () => (await operationsCounted(stack)) > counted,
      10_000,
      "the stream counted",
    );
  return { status: response.status, headers: response.headers, text };
}

/** The sum of fc_gateway_graphql_operations_total: every operation run or refused, any transport. */
async function operationsCounted(stack: TestStack): Promise<number> {
  const response = await fetch(`${stack.gateway.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await response.text();
  return [...text.matchAll(/^fc_gateway_graphql_operations_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

/** Stripe FC calls the sandbox counted since the last reset (the event sweep's are not FC's). */
async function financialConnectionsCalls(stack: TestStack): Promise<number> {
  const { routes } = await requestCounts(stack);
  return Object.entries(routes)
    .filter(([route]) => route.includes("/financial_connections/"))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** Whether a WebSocket upgrade to /graphql from `origin` is let in (else its refusal status). */
function upgrade(stack: TestStack, origin: string): Promise<"open" | number> {
  const socket = new WebSocket(
    `${stack.gateway.url.replace("http", "ws")}/graphql`,
    "graphql-transport-ws",
    {
      origin,
    },
  );
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      socket.close();
      resolve("open");
    });
    socket.once("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once("error", (error) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

const vary = (headers: Headers) => (headers.get("vary") ?? "").toLowerCase().split(/\s*,\s*/);
const listed = (headers: Headers, name: string) =>
  (headers.get(name) ?? "").toLowerCase().split(/\s*,\s*/);

/** One gateway's environment, the origins it lets in and those it refuses. */
interface Mode {
  name: string;
  env: Record<string, string>;
  allowed: string[];
  refused: string[];
}

/** The CORS scenarios: one gateway each, which origins it lets in and which it refuses. */
const MODES: Mode[] = [
  {
    name: "development, ALLOWED_ORIGINS unset (the loopback default)",
    env: {},
    allowed: ["http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000"],
    refused: [APP, "http://localhost.evil.test:5173", "null", "file://"],
  },
  {
    name: "development, ALLOWED_ORIGINS set (the list only)",
    env: { ALLOWED_ORIGINS: APP },
    allowed: [APP],
    refused: ["http://localhost:5173", "https://evil.example.test"],
  },
  {
    name: "production, ALLOWED_ORIGINS set",
    env: { ...PRODUCTION_ENV, ALLOWED_ORIGINS: `${APP}, https://admin.example.test` },
    allowed: [APP, "https://admin.example.test"],
    refused: [
      "http://localhost:5173",
      "https://evil.example.test",
      `${APP}.evil.test`,
      "http://app.example.test",
    ],
  },
  {
    name: "production, ALLOWED_ORIGINS unset (no origin at all)",
    env: { ...PRODUCTION_ENV },
    allowed: [],
    refused: ["http://localhost:5173", "http://127.0.0.1:8080", APP],
  },
];

describe.each(MODES)("CORS on the GraphQL routes: $name", (mode) => {
  let stack: TestStack;
  let customer: string;
  beforeAll(async () => {
    stack = await startStack({ env: { ...mode.env, METRICS_TOKEN } });
    customer = (await createCustomer(stack, 1, 1)).id;
  });
  afterAll(() => stack.close());

  describe.each(mode.allowed)("an allowed origin, %s", (origin) => {
    it.each(ROUTES)(
      "$name: the preflight answers the origin, methods, headers and max age",
      async (route) => {
        const before = await operationsCounted(stack);
        const response = await preflight(stack, route, origin);
        expect(response.status).toBe(204);
        expect(response.headers.get("access-control-allow-origin")).toBe(origin);
        expect(response.headers.get("access-control-allow-credentials")).toBeNull();
        expect(listed(response.headers, "access-control-allow-methods")).toEqual(["get", "post"]);
        const allowedHeaders = listed(response.headers, "access-control-allow-headers");
        for (const name of preflightHeaders(route).split(","))
          expect(allowedHeaders).toContain(name);
        for (const name of ["x-apollo-operation-name", "traceparent", "apollo-require-preflight"])
          expect(allowedHeaders).toContain(name);
        expect(response.headers.get("access-control-max-age")).toBe("7200");
        expect(vary(response.headers)).toContain("origin");
        expect(response.headers.get("x-request-id")).toBeTruthy();
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(await operationsCounted(stack)).toBe(before);
      },
    );

    it.each(ROUTES)(
      "$name: the actual request is served, with the origin and exposed headers",
      async (route) => {
        const answer = await send(stack, route, customer, origin);
        expect(answer.status, answer.text).toBe(200);
        expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
        expect(listed(answer.headers, "access-control-expose-headers")).toEqual([
          "retry-after",
          "x-request-id",
        ]);
        expect(vary(answer.headers)).toContain("origin");
        if (!route.streams) expect(answer.text).toContain('"accounts"');
      },
    );
  });

  describe.each(mode.refused)("a refused origin, %s", (origin) => {
    it.each(ROUTES)(
      "$name: preflight and actual request get 403 without CORS headers, and no GraphQL work",
      async (route) => {
        await resetRequests(stack);
        const before = await operationsCounted(stack);
        const refusedPreflight = await preflight(stack, route, origin);
        expect(refusedPreflight.status).toBe(403);
        expect(refusedPreflight.headers.get("access-control-allow-origin")).toBeNull();
        expect(refusedPreflight.headers.get("access-control-allow-headers")).toBeNull();
        expect(vary(refusedPreflight.headers)).toContain("origin");
        // A "simple" request needs no preflight, and a non-browser may send any Origin: refused too.
        const answer = await send(stack, route, customer, origin);
        expect(answer.status).toBe(403);
        expect(answer.headers.get("access-control-allow-origin")).toBeNull();
        expect(JSON.parse(answer.text)).toEqual({
          errors: [{ message: "Origin not allowed.", extensions: { code: "FORBIDDEN" } }],
        });
        expect(await operationsCounted(stack)).toBe(before);
        expect(await financialConnectionsCalls(stack)).toBe(0);
      },
    );
  });

  it.each(ROUTES)(
    "$name: a request without Origin (not a browser) is served without CORS headers",
    async (route) => {
      const answer = await send(stack, route, customer);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
      expect(vary(answer.headers)).toContain("origin");
    },
  );

  it("the WebSocket Origin check uses the same list", async () => {
    for (const origin of mode.allowed) expect(await upgrade(stack, origin)).toBe("open");
    for (const origin of mode.refused) expect(await upgrade(stack, origin)).toBe(403);
  });

  it("webhooks, /metrics and the health routes answer no CORS, even to an allowed origin", async () => {
    const origin = mode.allowed[0] ?? APP;
    const routes = [
      ["POST", "/webhooks/stripe"],
      ["GET", "/metrics"],
      ["GET", "/healthz"],
      ["GET", "/readyz"],
    ] as const;
    for (const [method, path] of routes) {
      for (const request of <{ method: string; headers: Record<string, string> }[]>[
        { method: "OPTIONS", headers: { origin, "access-control-request-method": method } },
        { method, headers: { origin, authorization: `Bearer ${METRICS_TOKEN}` } },
      ]) {
        const response = await fetch(`${stack.gateway.url}${path}`, request);
        await response.arrayBuffer();
        const cors = [...response.headers.keys()].filter((name) =>
          name.startsWith("access-control-"),
        );
        expect(cors, `${request.method} ${path}`).toEqual([]);
        expect(response.status, `${request.method} ${path}`).not.toBe(204);
      }
    }
  });
});
