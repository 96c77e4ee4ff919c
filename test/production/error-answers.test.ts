import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { finalErrorHandler, notFoundHandler } from "../../src/transports/error-answers.js";
import { graphql, LogSink, startStack, type TestStack } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";
import { coldCustomer } from "../support/read-model.js";
import { control } from "../support/sandbox-control.js";

const PRODUCTION = PRODUCTION_ENV;

/** Signs of a leaked internal: an HTML page, a stack frame, a file path. */
const INTERNALS = /<html|<pre|\bat \S+ \(|\bat (node:|\/)|node_modules|\/work\/|\.[jt]s:\d+/i;

/** One bad request, the status it must get, and how to send it. */
interface BadRequest {
  name: string;
  status: number;
  path: string;
  init: RequestInit;
}

const json = { "content-type": "application/json" };
/** A JSON body of `bytes` bytes (a string of `x`). */
const bigJson = (bytes: number) => JSON.stringify({ padding: "x".repeat(bytes) });

/** The body errors, sent to each route that reads a body. */
const bodyErrors = (path: string, limitBytes: number): BadRequest[] => [
  {
    name: `${path}: a body over the limit (413)`,
    status: 413,
    path,
    init: { method: "POST", headers: json, body: bigJson(limitBytes + 1024) },
  },
  {
    name: `${path}: a gzip body that inflates over the limit (413)`,
    status: 413,
    path,
    init: {
      method: "POST",
      headers: { ...json, "content-encoding": "gzip" },
      body: gzipSync(bigJson(limitBytes + 1024)),
    },
  },
  {
    name: `${path}: an unknown content-encoding (415)`,
    status: 415,
    path,
    init: { method: "POST", headers: { ...json, "content-encoding": "xz" }, body: "{}" },
  },
  {
    name: `${path}: a body that claims gzip but is not (400)`,
    status: 400,
    path,
    init: {
      method: "POST",
      headers: { ...json, "content-encoding": "gzip" },
      body: "this is not gzip",
    },
  },
  {
    name: `${path}: malformed JSON (400)`,
    status: 400,
    path,
    init: { method: "POST", headers: json, body: "{not json" },
  },
];

const BAD_REQUESTS: BadRequest[] = [
  ...bodyErrors("/graphql", 100 * 1024),
  ...bodyErrors("/webhooks/stripe", 1024 * 1024),
  {
    name: "/graphql: an unsupported charset (415)",
    status: 415,
    path: "/graphql",
    init: { method: "POST", headers: { "content-type": "application/json; charset=koi8-r" } },
  },
  {
    name: "/graphql: a method other than GET and POST (405)",
    status: 405,
    path: "/graphql",
    init: { method: "PUT", headers: json, body: "{}" },
  },
  {
    name: "/webhooks/stripe: a GET (405)",
    status: 405,
    path: "/webhooks/stripe",
    init: { method: "GET" },
  },
  { name: "an unknown route, GET (404)", status: 404, path: "/no/such/route", init: {} },
  {
    name: "an unknown route, POST with a body (404)",
    status: 404,
    path: "/no/such/route",
    init: { method: "POST", headers: json, body: "{}" },
  },
  {
    name: "an unknown playground asset (404)",
    status: 404,
    path: "/graphiql/assets/no-such-file.js",
    init: {},
  },
];

/** A valid WebSocket handshake for graphql-ws, to be spoiled one header at a time. */
const HANDSHAKE = {
  connection: "Upgrade",
  upgrade: "websocket",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-version": "13",
  "sec-websocket-protocol": "graphql-transport-ws",
};

/** Upgrades the gateway refuses, each with its status and code. */
const UPGRADE_REFUSALS = [
  {
    name: "from an Origin not allowed (403)",
    path: "/graphql",
    headers: { ...HANDSHAKE, origin: "https://evil.example" },
    status: 403,
    code: "FORBIDDEN",
  },
  {
    name: "to a path that serves no WebSocket (404)",
    path: "/not-a-socket",
    headers: HANDSHAKE,
    status: 404,
    code: "NOT_FOUND",
  },
  {
    name: "with an unsupported WebSocket version (400)",
    path: "/graphql",
    headers: { ...HANDSHAKE, "sec-websocket-version": "7" },
    status: 400,
    code: "BAD_REQUEST",
  },
  {
    name: "without a Sec-WebSocket-Key (400)",
    path: "/graphql",
    headers: { ...HANDSHAKE, "sec-websocket-key": "" },
    status: 400,
    code: "BAD_REQUEST",
  },
];

/** Sends an upgrade request and collects the HTTP answer that refuses it. */
function upgradeAnswer(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const upgrade = httpRequest(url, { headers });
    upgrade.on("upgrade", () => reject(new Error("the upgrade was accepted")));
    upgrade.on("response", (response) => {
      let text = "";
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers["content-type"]),
          text,
        }),
      );
    });
    upgrade.on("error", reject);
    upgrade.end();
  });
}

/** Asserts the answer is JSON with an upper-case code and shows no internals; returns the body. */
async function expectJsonErrorAnswer(response: Response, status: number) {
  const text = await response.text();
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(text).not.toMatch(INTERNALS);
  const body = JSON.parse(text) as unknown;
  expect(codeOf(body)).toMatch(/^[A-Z_]+$/);
  return body;
}

/** The `code` of an error answer, in the GraphQL shape or the plain one. */
function codeOf(body: unknown): unknown {
  const answer = body as {
    errors?: { extensions?: { code?: unknown } }[];
    error?: { code?: unknown };
  };
  return answer.errors?.[0]?.extensions?.code ?? answer.error?.code;
}

describe.each([
  ["development", {}],
  ["production", PRODUCTION],
])("every error answer in %s is JSON with a code, never HTML, never a stack", (_mode, env) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env });
  });
  afterAll(() => stack.close());

  it.each(BAD_REQUESTS.map((request) => [request.name, request] as const))(
    "%s",
    async (_name, request) => {
      const response = await fetch(`${stack.gateway.url}${request.path}`, request.init);
      await expectJsonErrorAnswer(response, request.status);
    },
  );

  it.each(UPGRADE_REFUSALS.map((refusal) => [refusal.name, refusal] as const))(
    "a WebSocket upgrade %s",
    async (_name, refusal) => {
      const answer = await upgradeAnswer(`${stack.gateway.url}${refusal.path}`, refusal.headers);
      expect(answer.status).toBe(refusal.status);
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.text).not.toMatch(INTERNALS);
      expect(codeOf(JSON.parse(answer.text))).toBe(refusal.code);
    },
  );

  it("/readyz while Stripe refuses the key (503)", async () => {
    // Readiness answers from the last real Stripe call when there was one in the last seconds (the
    // start-up event sweep), so the refusal must come from a real call: a read that meets it.
    const customer = await coldCustomer(stack, 1, 1);
    await control(stack, "POST", "/_sandbox/faults", { status: 401, count: 1 });
    await graphql(stack, "{ accounts(refresh: true) { nodes { id } } }", {}, customer.id);
    const body = await expectJsonErrorAnswer(await fetch(`${stack.gateway.url}/readyz`), 503);
    expect(body).toMatchObject({ status: "not_ready", checks: { stripe: "unauthorized" } });
  });
});

describe("the gateway's last handlers", () => {
  it("answer an error a route let through with a JSON 500, and log it with its stack", async () => {
    const logs = new LogSink();
    const app = express();
    app.get("/fails", () => {
      throw new Error("connect ECONNREFUSED 10.0.0.7:6379 (internal detail)");
    });
    app.get("/fails-later", async () => {
      await Promise.resolve();
      throw new TypeError("Cannot read properties of null (reading 'id')");
    });
    app.use(notFoundHandler(), finalErrorHandler(createLogger("info", logs)));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of ["/fails", "/fails-later"]) {
        const body = await expectJsonErrorAnswer(await fetch(`${base}${path}`), 500);
        expect(body).toEqual({
          error: { code: "INTERNAL_SERVER_ERROR", message: "Unexpected error." },
        });
      }
      expect(JSON.stringify(await expectJsonErrorAnswer(await fetch(`${base}/x`), 404))).toMatch(
        /NOT_FOUND/,
      );
      const logged = logs.lines.map((line) => JSON.parse(line)).filter((e) => e.err);
      expect(logged).toHaveLength(2);
      expect(logged[0].err.stack).toMatch(/ECONNREFUSED[\s\S]*\bat /);
      expect(logged[1].path).toBe("/fails-later");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
