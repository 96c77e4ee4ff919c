import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import express from "express";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { apiSecurityHeaderList, securityHeaders } from "../../src/server/security-headers.js";
import {
  isWebhookRequest,
  stripeWebhookListener,
  stripeWebhookRoute,
  type WebhookRouteOptions,
} from "../../src/server/stripe-webhook-route.js";
import { finalErrorHandler } from "../../src/transports/error-answers.js";
import { requestIdMiddleware } from "../../src/transports/request-id.js";
import { accountEvent, signatureFor } from "../support/webhook.js";

/**
 * The lean webhook listener against the Express route it stands in for: the same answers (status,
 * JSON body, content type, `Allow`) to the same deliveries, the request id and the API security
 * headers, the event handed on once, and no call to the next listener for `/webhooks/stripe`.
 */
const SECRET = "whsec_leanListenerTest01";
const headers = apiSecurityHeaderList({ production: false });

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const handed: string[] = [];
let nextCalls = 0;
const routeOptions = (): WebhookRouteOptions => ({
  stripe: new Stripe("sk_test_leanListener"),
  secrets: [SECRET],
  logger: createLogger("silent"),
  onEvent: async (event) => {
    handed.push(event.id);
    return event.id.endsWith("busy")
      ? { status: 409, outcome: "in_progress" }
      : { status: 200, outcome: "published" };
  },
});

let lean: { server: Server; url: string };
let viaExpress: { server: Server; url: string };
beforeAll(async () => {
  lean = await listen(
    stripeWebhookListener({
      ...routeOptions(),
      securityHeaders: headers,
      next: (_request, response) => {
        nextCalls += 1;
        response.end("next");
      },
    }),
  );
  const app = express();
  app.use(requestIdMiddleware());
  app.use(securityHeaders({ production: false, landingPage: false }));
  app.use(stripeWebhookRoute(routeOptions()));
  app.use(finalErrorHandler(createLogger("silent")));
  viaExpress = await listen(app);
});
afterAll(async () => {
  for (const { server } of [lean, viaExpress]) {
    await new Promise((resolve) => server.close(resolve));
  }
});

const event = (id: string) =>
  accountEvent("financial_connections.account.deactivated", { id: "fca_1" }, { id });

/** A delivery of event `id`, signed with the test's secret. */
const signedDelivery = (id: string) => {
  const body = event(id);
  return {
    init: {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "stripe-signature": signatureFor(body, SECRET),
      },
      body,
    },
  };
};

/** Deliveries and their expected statuses, each sent to both servers. */
const cases: [string, () => { path?: string; init: RequestInit }, number][] = [
  ["a signed delivery", () => signedDelivery("evt_leanok"), 200],
  ["a signed delivery handled elsewhere now (409)", () => signedDelivery("evt_leanbusy"), 409],
  [
    "a signed gzip delivery, with a query string",
    () => {
      const body = event("evt_leangzip");
      return {
        path: "/webhooks/stripe?from=stripe",
        init: {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-encoding": "gzip",
            "stripe-signature": signatureFor(body, SECRET),
          },
          body: gzipSync(body),
        },
      };
    },
    200,
  ],
  [
    "a bad signature",
    () => ({
      init: {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=00" },
        body: event("evt_leanbad"),
      },
    }),
    400,
  ],
  [
    "not JSON (415)",
    () => ({ init: { method: "POST", headers: { "content-type": "text/plain" }, body: "x" } }),
    415,
  ],
  [
    "a body over 1 MB (413)",
    () => ({
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(1024 * 1024 + 1),
      },
    }),
    413,
  ],
  ["a GET (405)", () => ({ init: { method: "GET" } }), 405],
];

describe("the lean webhook listener", () => {
  it("answers every delivery as the Express route does", async () => {
    for (const [name, request, status] of cases) {
      const answers = [];
      for (const { url } of [lean, viaExpress]) {
        const { path, init } = request();
        const response = await fetch(`${url}${path ?? "/webhooks/stripe"}`, init);
        answers.push({
          status: response.status,
          body: await response.json(),
          contentType: response.headers.get("content-type"),
          allow: response.headers.get("allow"),
        });
      }
      expect(answers[0], name).toEqual(answers[1]);
      expect(answers[0]?.status, name).toBe(status);
    }
    // Each signed, verified delivery handed on once by each server.
    expect(handed.sort()).toEqual(
      ["evt_leanbusy", "evt_leangzip", "evt_leanok"].flatMap((id) => [id, id]),
    );
  });

  it("answers with the request id and the API security headers, never calling the next listener for it", async () => {
    const body = event("evt_leanheaders");
    const response = await fetch(`${lean.url}/webhooks/stripe`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "stripe-signature": signatureFor(body, SECRET),
        "x-request-id": "caller-id-7",
      },
      body,
    });
    expect(await response.json()).toEqual({ received: true, outcome: "published" });
    expect(response.headers.get("x-request-id")).toBe("caller-id-7");
    for (const [name, value] of headers) expect(response.headers.get(name)).toBe(value);
    expect(nextCalls).toBe(0);
    // Any other path, and the spellings only Express matches, go to the next listener.
    for (const path of ["/webhooks/stripe/", "/Webhooks/Stripe", "/graphql", "/webhooks"]) {
      expect(await (await fetch(`${lean.url}${path}`, { method: "POST" })).text()).toBe("next");
    }
    expect(nextCalls).toBe(4);
  });

  it("takes /webhooks/stripe exactly, with any query string", () => {
    const request = (url: string) => ({ url }) as never;
    expect(isWebhookRequest(request("/webhooks/stripe"))).toBe(true);
    expect(isWebhookRequest(request("/webhooks/stripe?x=1"))).toBe(true);
    expect(isWebhookRequest(request("/webhooks/stripe/"))).toBe(false);
    expect(isWebhookRequest(request("/webhooks/stripes"))).toBe(false);
  });
});
