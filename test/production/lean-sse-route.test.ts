/**
 * `/graphql/stream` is answered by a lean listener on the bare Node request, without Express: an
 * open stream no longer keeps Express's request, response and router state. What Express's chain
 * gave the route (request id, security headers, body guard and JSON body, error answers) is the
 * listener's now; the other spellings Express matches (`/graphql/stream/`) still go through the
 * Express chain of before, so the gateway's answers on the two paths are compared here.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { jsonBodyReader } from "../../src/server/json-body.js";
import { apiSecurityHeaderList } from "../../src/server/security-headers.js";
import { isSseRequest, sseStreamListener } from "../../src/server/sse-listener.js";
import type { SseAnswer } from "../../src/transports/graphql-sse.js";
import { type HeaderList, headerLine } from "../../src/transports/header-list.js";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";
import { createCustomer } from "../support/sandbox-control.js";

const LIMIT = 1024;
const APP = "https://app.example.test";
const HEADERS = apiSecurityHeaderList({ production: false });

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("sseStreamListener", () => {
  const requestOf = (url: string) => ({ method: "POST", url, headers: {} }) as IncomingMessage;

  it("takes /graphql/stream exactly (any query string) and leaves every other path to the next listener", () => {
    expect(isSseRequest(requestOf("/graphql/stream"))).toBe(true);
    expect(isSseRequest(requestOf("/graphql/stream?query=%7Ba%7D"))).toBe(true);
    for (const path of [
      "/graphql/stream/",
      "/GRAPHQL/STREAM",
      "/graphql",
      "/graphql/streams",
      "/",
    ]) {
      expect(isSseRequest(requestOf(path))).toBe(false);
    }
  });

  /** The CORS rules of the tests below: `https://app.example.test` allowed, other origins not. */
  const crossOrigin = (request: IncomingMessage): HeaderList | undefined => {
    const origin = request.headers.origin;
    if (origin === undefined) return [["Vary", "Origin"]];
    if (origin !== "https://app.example.test") return undefined;
    return [
      ["Vary", "Origin"],
      ["Access-Control-Allow-Origin", origin],
    ];
  };

  /** A listener with `answer`, counting what reached `next` (which answers "next"). */
  async function withListener(
    answer: SseAnswer,
    run: (url: string, nextCalls: () => number) => Promise<void>,
  ): Promise<void> {
    let nextCalls = 0;
    const { server, url } = await listen(
      sseStreamListener({
        answer,
        crossOrigin,
        next: (_request, response) => {
          nextCalls += 1;
          response.end("next");
        },
        readBody: jsonBodyReader(LIMIT),
        bodyPolicy: { limit: LIMIT, mediaTypes: ["application/json"] },
        securityHeaders: HEADERS,
        logger: createLogger("silent"),
      }),
    );
    try {
      await run(url, () => nextCalls);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("hands the answer the body read and every header of the route, none set on the response yet, never calling the next listener for it", async () => {
    const setBefore: string[][] = [];
    const echo: SseAnswer = async (_request, response, body, headers) => {
      setBefore.push(response.getHeaderNames());
      response.writeHead(200, headerLine(headers, { "content-type": "application/json" }));
      response.end(JSON.stringify(body));
    };
    await withListener(echo, async (url, nextCalls) => {
      const response = await fetch(`${url}/graphql/stream`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-request-id": "caller-id-1",
          origin: "https://app.example.test",
        },
        body: '{"query":"{ a }"}',
      });
      expect(await response.json()).toEqual({ query: "{ a }" });
      expect(response.headers.get("x-request-id")).toBe("caller-id-1");
      expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
      expect(response.headers.get("vary")).toBe("Origin");
      for (const [name, value] of HEADERS) expect(response.headers.get(name)).toBe(value);
      expect(setBefore).toEqual([[]]);
      expect(nextCalls()).toBe(0);
      expect(await (await fetch(`${url}/graphql`)).text()).toBe("next");
      expect(nextCalls()).toBe(1);
    });
  });

  it("leaves a request the CORS gate answers itself (an origin not allowed) to the next listener", async () => {
    let answered = 0;
    const counting: SseAnswer = async (_request, response) => {
      answered += 1;
      response.end();
    };
    await withListener(counting, async (url, nextCalls) => {
      const response = await fetch(`${url}/graphql/stream`, {
        headers: { origin: "https://elsewhere.example.test" },
      });
      expect(await response.text()).toBe("next");
      expect(nextCalls()).toBe(1);
      expect(answered).toBe(0);
    });
  });

  it("refuses a body over the limit or not JSON before the answer runs, in GraphQL's error shape, with the route's headers", async () => {
    let answered = 0;
    const counting: SseAnswer = async (_request, response) => {
      answered += 1;
      response.end();
    };
    await withListener(counting, async (url) => {
      const tooLarge = await fetch(`${url}/graphql/stream`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"query":"${"x".repeat(LIMIT)}"}`,
      });
      expect(tooLarge.status).toBe(413);
      const notJson = await fetch(`${url}/graphql/stream`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "{}",
      });
      expect(notJson.status).toBe(415);
      for (const response of [tooLarge, notJson]) {
        const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
        expect(body.errors[0]?.extensions.code).toBe("BAD_REQUEST");
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(response.headers.get("vary")).toBe("Origin");
        expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(answered).toBe(0);
    });
  });

  it("answers a failure before the stream began with a 500, and closes the connection of one after", async () => {
    const failing: SseAnswer = async (request, response, _body, headers) => {
      if (request.url?.includes("late")) {
        response.writeHead(200, headerLine(headers, { "content-type": "text/event-stream" }));
        // The stream has begun once its first bytes are handed to the socket.
        await new Promise((resolve) => response.write(":\n\n", resolve));
      }
      throw new Error("broken");
    };
    await withListener(failing, async (url) => {
      const early = await fetch(`${url}/graphql/stream`);
      expect(early.status).toBe(500);
      expect(await early.json()).toEqual({
        error: { code: "INTERNAL_SERVER_ERROR", message: "Unexpected error." },
      });
      expect(early.headers.get("x-frame-options")).toBe("DENY");
      const late = await fetch(`${url}/graphql/stream?late`);
      expect(late.status).toBe(200);
      await expect(late.text()).rejects.toThrow();
    });
  });
});

describe("the gateway answers /graphql/stream as Express's chain of before does (/graphql/stream/)", () => {
  let stack: TestStack;
  let authorization: string;
  beforeAll(async () => {
    stack = await startStack({ env: { ...PRODUCTION_ENV, ALLOWED_ORIGINS: APP } });
    const customer = await createCustomer(stack, 1, 1);
    authorization = `Bearer ${await tokenFor(stack, customer.id)}`;
  });
  afterAll(() => stack.close());

  const SSE = { accept: "text/event-stream" };
  const FROM_APP = { ...SSE, "content-type": "application/json", origin: APP };
  const JSON_SSE = { ...SSE, "content-type": "application/json" };
  const cases: { name: string; query?: string; init: () => RequestInit }[] = [
    { name: "no `Accept: text/event-stream` (406)", init: () => ({ method: "GET" }) },
    {
      name: "no token (a refusal, before the stream opens)",
      init: () => ({ method: "POST", headers: JSON_SSE, body: '{"query":"{ __typename }"}' }),
    },
    {
      name: "a query, streamed then completed",
      init: () => ({
        method: "POST",
        headers: { ...JSON_SSE, authorization },
        body: '{"query":"{ __typename }"}',
      }),
    },
    {
      name: "a query from a browser page of an allowed origin",
      init: () => ({
        method: "POST",
        headers: { ...FROM_APP, authorization },
        body: '{"query":"{ __typename }"}',
      }),
    },
    {
      name: "a preflight of an allowed origin",
      init: () => ({
        method: "OPTIONS",
        headers: {
          origin: APP,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      }),
    },
    {
      name: "an origin not allowed (403)",
      init: () => ({
        method: "POST",
        headers: { ...FROM_APP, origin: "https://elsewhere.example.test", authorization },
        body: '{"query":"{ __typename }"}',
      }),
    },
    {
      name: "a query over GET",
      query: `?query=${encodeURIComponent("{ __typename }")}`,
      init: () => ({ method: "GET", headers: { ...SSE, authorization } }),
    },
    {
      name: "a mutation over GET (405)",
      query: `?query=${encodeURIComponent("mutation M { __typename }")}`,
      init: () => ({ method: "GET", headers: { ...SSE, authorization } }),
    },
    {
      name: "no query (400)",
      init: () => ({ method: "POST", headers: { ...JSON_SSE, authorization }, body: "{}" }),
    },
    {
      name: "an empty body (400)",
      init: () => ({ method: "POST", headers: { ...JSON_SSE, authorization }, body: "" }),
    },
    {
      name: "malformed JSON (400)",
      init: () => ({ method: "POST", headers: { ...JSON_SSE, authorization }, body: '{"a":' }),
    },
    {
      name: "a body over the limit (413)",
      init: () => ({
        method: "POST",
        headers: { ...JSON_SSE, authorization },
        body: `{"query":"${"x".repeat(200_000)}"}`,
      }),
    },
    {
      name: "not JSON (415)",
      init: () => ({
        method: "POST",
        headers: { ...SSE, "content-type": "text/plain" },
        body: "{}",
      }),
    },
    {
      name: "a method graphql-sse does not read (415)",
      init: () => ({ method: "PUT", headers: { ...JSON_SSE, authorization }, body: "{}" }),
    },
  ];

  /**
   * Status, headers (but the date) and body (but the cost budget's remainder), the request sent
   * with the caller's request id.
   */
  async function answerOf(path: string, query: string, init: RequestInit) {
    const headers = { ...(init.headers as Record<string, string>), "x-request-id": "same-id" };
    const response = await fetch(`${stack.gateway.url}${path}${query}`, { ...init, headers });
    const received = Object.fromEntries(
      [...response.headers].filter(([name]) => name !== "date" && name !== "keep-alive"),
    );
    // The cost budget's remainder falls by each operation run.
    const body = (await response.text()).replace(/"remaining":\d+/g, '"remaining":N');
    return { status: response.status, headers: received, body };
  }

  for (const { name, query, init } of cases) {
    it(`the same status, headers and body: ${name}`, async () => {
      const lean = await answerOf("/graphql/stream", query ?? "", init());
      const viaExpress = await answerOf("/graphql/stream/", query ?? "", init());
      expect(lean).toEqual(viaExpress);
      expect(lean.headers["x-request-id"]).toBe("same-id");
      expect(lean.headers["strict-transport-security"]).toBeDefined();
    });
  }
});
