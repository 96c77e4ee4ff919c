import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { bodyErrorHandler } from "../../src/server/body-errors.js";
import { isLeanGraphqlRequest, leanGraphqlListener } from "../../src/server/graphql-listener.js";
import { jsonBodyReader } from "../../src/server/json-body.js";
import { apiSecurityHeaderList } from "../../src/server/security-headers.js";
import { describeBodyError } from "../../src/transports/error-answers.js";

/**
 * The lean /graphql route against what Express gave the same requests: the JSON body read by
 * jsonBodyReader as `express.json` reads it (value or error answer, byte for byte), and which
 * requests the lean route takes and which it leaves to the Express app.
 */
const LIMIT = 1024;

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let lean: { server: Server; url: string };
let viaExpress: { server: Server; url: string };
beforeAll(async () => {
  const readBody = jsonBodyReader(LIMIT);
  lean = await listen((request, response) => {
    readBody(request, response).then(
      (body) => {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ body: body ?? "(none)" }));
      },
      (error: unknown) => {
        const described = describeBodyError(error);
        response.statusCode = described?.status ?? 500;
        response.end(
          JSON.stringify({
            errors: [{ message: described?.message, extensions: { code: "BAD_REQUEST" } }],
          }),
        );
      },
    );
  });
  const app = express();
  app.use(express.json({ limit: LIMIT }), (request, response) => {
    response.json({ body: request.body ?? "(none)" });
  });
  app.use(bodyErrorHandler());
  app.use(((error, _request, response, _next) => {
    response.status(500).json({ error: String(error) });
  }) satisfies express.ErrorRequestHandler);
  viaExpress = await listen(app);
});
afterAll(async () => {
  for (const { server } of [lean, viaExpress]) {
    await new Promise((resolve) => server.close(resolve));
  }
});

const json = { "content-type": "application/json" };
const cases: { name: string; init: RequestInit }[] = [
  { name: "an object", init: { method: "POST", headers: json, body: '{"query":"{ a }"}' } },
  { name: "an array", init: { method: "POST", headers: json, body: "[1,2]" } },
  { name: "an empty body", init: { method: "POST", headers: json, body: "" } },
  { name: "leading whitespace", init: { method: "POST", headers: json, body: ' \n\t{"a":1}' } },
  { name: "a byte order mark", init: { method: "POST", headers: json, body: '\ufeff{"a":1}' } },
  { name: "a bare string (strict)", init: { method: "POST", headers: json, body: '"text"' } },
  { name: "malformed JSON", init: { method: "POST", headers: json, body: '{"a":' } },
  {
    name: "charset=utf-8, upper case",
    init: {
      method: "POST",
      headers: { "content-type": "application/json; charset=UTF-8" },
      body: '{"a":"é"}',
    },
  },
  {
    name: "a body just over the limit",
    init: { method: "POST", headers: json, body: `{"a":"${"x".repeat(LIMIT)}"}` },
  },
  {
    name: "a body over the limit, streamed without a length",
    init: {
      method: "POST",
      headers: json,
      // Read once: each server gets a stream of its own (see below).
      body: "stream",
      duplex: "half",
    } as RequestInit,
  },
  {
    name: "gzip",
    init: {
      method: "POST",
      headers: { ...json, "content-encoding": "gzip" },
      body: gzipSync('{"a":1}'),
    },
  },
  {
    name: "an unsupported charset",
    init: {
      method: "POST",
      headers: { "content-type": "application/json; charset=koi8-r" },
      body: "{}",
    },
  },
  {
    name: "not JSON (text/plain)",
    init: { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" },
  },
  { name: "no body (GET)", init: { method: "GET" } },
];

describe("jsonBodyReader reads a body as express.json did", () => {
  for (const { name, init } of cases) {
    it(`the same answer: ${name}`, async () => {
      const [ours, theirs] = await Promise.all(
        [lean.url, viaExpress.url].map(async (url) => {
          const body =
            init.body === "stream" ? new Blob([`"${"y".repeat(LIMIT * 2)}"`]).stream() : init.body;
          const response = await fetch(url, { ...init, body });
          return { status: response.status, body: await response.text() };
        }),
      );
      expect(ours).toEqual(theirs);
    });
  }
});

describe("leanGraphqlListener", () => {
  const requestOf = (method: string, url: string, accept?: string) =>
    ({ method, url, headers: accept === undefined ? {} : { accept } }) as IncomingMessage;

  it("takes GraphQL requests on /graphql, and leaves the landing page, multipart and other paths to Express", () => {
    expect(isLeanGraphqlRequest(requestOf("POST", "/graphql"))).toBe(true);
    expect(isLeanGraphqlRequest(requestOf("POST", "/graphql", "application/json"))).toBe(true);
    expect(isLeanGraphqlRequest(requestOf("GET", "/graphql?query=%7Ba%7D", "*/*"))).toBe(true);
    expect(isLeanGraphqlRequest(requestOf("PUT", "/graphql"))).toBe(true);
    expect(isLeanGraphqlRequest(requestOf("GET", "/graphql", "text/html,*/*"))).toBe(false);
    expect(
      isLeanGraphqlRequest(
        requestOf("POST", "/graphql", 'multipart/mixed;subscriptionSpec="1.0",application/json'),
      ),
    ).toBe(false);
    for (const path of ["/graphql/stream", "/graphiql", "/healthz", "/webhooks/stripe", "/"]) {
      expect(isLeanGraphqlRequest(requestOf("POST", path))).toBe(false);
    }
  });

  it("answers with the request id and the API security headers, and never calls the Express app for it", async () => {
    let appCalls = 0;
    const headers = apiSecurityHeaderList({ production: false });
    const { server, url } = await listen(
      leanGraphqlListener({
        app: (_request, response) => {
          appCalls += 1;
          response.end("app");
        },
        answer: async (_request, response, body) => {
          response.end(JSON.stringify(body));
        },
        readBody: jsonBodyReader(LIMIT),
        bodyPolicy: { limit: LIMIT, mediaTypes: ["application/json"] },
        securityHeaders: headers,
        logger: createLogger("silent"),
      }),
    );
    try {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { ...json, "x-request-id": "caller-id-1" },
        body: '{"query":"{ a }"}',
      });
      expect(await response.json()).toEqual({ query: "{ a }" });
      expect(response.headers.get("x-request-id")).toBe("caller-id-1");
      for (const [name, value] of headers) expect(response.headers.get(name)).toBe(value);
      expect(appCalls).toBe(0);
      const other = await fetch(`${url}/healthz`);
      expect(await other.text()).toBe("app");
      expect(appCalls).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
