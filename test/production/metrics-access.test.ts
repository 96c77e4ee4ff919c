import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogSink, startStack, type TestStack } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";

const PRODUCTION = PRODUCTION_ENV;
const METRICS_TOKEN = "metrics-scraper-token-4f9c2a7e1b";

/** GET `path` on `base`, with optional headers; the status, content type and body. */
async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, { headers });
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    authenticate: response.headers.get("www-authenticate"),
    text: await response.text(),
  };
}

/** An IPv4 address of this machine other than loopback, if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === "IPv4" && !entry.internal)?.address;
}

describe("/metrics in production", () => {
  let open: TestStack;
  const openLogs = new LogSink();
  let tokened: TestStack;
  const tokenedLogs = new LogSink();
  let ported: TestStack;
  beforeAll(async () => {
    [open, tokened, ported] = await Promise.all([
      startStack({ env: PRODUCTION, logSink: openLogs }),
      startStack({ env: { ...PRODUCTION, METRICS_TOKEN }, logSink: tokenedLogs }),
      startStack({ env: { ...PRODUCTION, METRICS_PORT: "0" } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open, tokened, ported].map((stack) => stack?.close()));
  });

  it("without METRICS_TOKEN or METRICS_PORT is not served on the public port (404 JSON with a code) and start-up warns", async () => {
    const answer = await get(open.gateway.url, "/metrics");
    expect(answer.status).toBe(404);
    expect(answer.type).toContain("application/json");
    expect(JSON.parse(answer.text)).toEqual({
      error: { code: "NOT_FOUND", message: expect.stringMatching(/METRICS_TOKEN|METRICS_PORT/) },
    });
    expect(answer.text).not.toContain("fc_gateway_");
    const warning = openLogs.lines
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((line) => /metrics/i.test(line.msg));
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toMatch(/METRICS_TOKEN/);
    expect(open.gateway.metricsUrl).toBeUndefined();
  });

  it("with METRICS_TOKEN answers 200 only to `Authorization: Bearer <METRICS_TOKEN>`, else 401 JSON with a code, never echoing the token", async () => {
    const refusals: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-of-some-length" },
      { authorization: `Bearer ${METRICS_TOKEN}x` },
      { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`metrics:${METRICS_TOKEN}`).toString("base64")}` },
      { authorization: METRICS_TOKEN },
    ];
    for (const headers of refusals) {
      const refused = await get(tokened.gateway.url, "/metrics", headers);
      expect(refused.status).toBe(401);
      expect(refused.type).toContain("application/json");
      expect(refused.authenticate).toBe("Bearer");
      expect(JSON.parse(refused.text)).toEqual({
        error: { code: "UNAUTHENTICATED", message: expect.any(String) },
      });
      expect(refused.text).not.toContain(METRICS_TOKEN);
      expect(refused.text).not.toContain("fc_gateway_");
    }
    const allowed = await get(tokened.gateway.url, "/metrics", {
      authorization: `Bearer ${METRICS_TOKEN}`,
    });
    expect(allowed.status).toBe(200);
    expect(allowed.type).toContain("text/plain");
    expect(allowed.text).toContain("fc_gateway_graphql_operations_total");
    // The scheme is case-insensitive (RFC 7235).
    expect(
      (await get(tokened.gateway.url, "/metrics", { authorization: `bearer ${METRICS_TOKEN}` }))
        .status,
    ).toBe(200);
    // One logged request, so the sink is known to be live, then: no line holds the token.
    await fetch(`${tokened.gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "query AfterScrapes { __typename }" }),
    });
    expect(tokenedLogs.text()).toContain("AfterScrapes");
    expect(tokenedLogs.text()).not.toContain(METRICS_TOKEN);
  });

  it("with METRICS_PORT is served on a separate server bound to 127.0.0.1, and not on the public port", async () => {
    const metricsUrl = ported.gateway.metricsUrl;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metricsPort = Number(new URL(metricsUrl as string).port);
    expect(metricsPort).not.toBe(ported.gateway.port);
    const served = await get(metricsUrl as string, "/metrics");
    expect(served.status).toBe(200);
    expect(served.text).toContain("fc_gateway_graphql_operations_total");
    // The metrics server serves metrics and nothing else.
    expect((await get(metricsUrl as string, "/graphql")).status).toBe(404);
    const onPublicPort = await get(ported.gateway.url, "/metrics");
    expect(onPublicPort.status).toBe(404);
    expect(onPublicPort.text).not.toContain("fc_gateway_");
    // The public port still answers on every interface; the metrics port only on loopback.
    const external = nonLoopbackAddress();
    if (external !== undefined) {
      expect((await fetch(`http://${external}:${ported.gateway.port}/healthz`)).status).toBe(200);
      await expect(fetch(`http://${external}:${metricsPort}/metrics`)).rejects.toThrow();
    }
  });
});

describe("/metrics on its own port", () => {
  it("requires the bearer there too when METRICS_TOKEN is also set", async () => {
    const stack = await startStack({
      env: { ...PRODUCTION, METRICS_PORT: "0", METRICS_TOKEN },
    });
    try {
      const metricsUrl = stack.gateway.metricsUrl as string;
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await get(metricsUrl, "/metrics")).status).toBe(401);
      const allowed = await get(metricsUrl, "/metrics", {
        authorization: `Bearer ${METRICS_TOKEN}`,
      });
      expect(allowed.status).toBe(200);
    } finally {
      await stack.close();
    }
  });

  it("closes with the gateway", async () => {
    const stack = await startStack({ env: { METRICS_PORT: "0" } });
    const metricsUrl = stack.gateway.metricsUrl as string;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // A scraper's keep-alive connection must not hold the shutdown open.
    expect((await get(metricsUrl, "/metrics")).status).toBe(200);
    await stack.close();
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });
});

describe("/metrics in development", () => {
  it("requires the bearer when METRICS_TOKEN is set, as in production", async () => {
    const stack = await startStack({ env: { METRICS_TOKEN } });
    try {
      expect((await get(stack.gateway.url, "/metrics")).status).toBe(401);
      expect(
        (
          await get(stack.gateway.url, "/metrics", {
            authorization: `Bearer ${METRICS_TOKEN}`,
          })
        ).status,
      ).toBe(200);
    } finally {
      await stack.close();
    }
  });
});
