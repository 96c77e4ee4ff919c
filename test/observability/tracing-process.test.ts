import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import {
  SANDBOX_DEV_API_KEY,
  SANDBOX_DEV_WEBHOOK_SECRET,
} from "../../src/shared/sandbox-defaults.js";
import { waitFor } from "../support/wait.js";

/**
 * `npm start`'s entry (src/main.ts under tsx) with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a
 * collector stand-in: the production path end to end (the SDK started before the gateway is
 * imported, the ESM hook, the http/express/graphql/ioredis instrumentations, the OTLP/HTTP
 * exporter), and what it exports, scanned whole for secrets and variables.
 */
const JWT_SECRET = "a-tracing-process-jwt-secret-of-32-chars-or-more";
const CUSTOMER = "cus_SandboxAlice01";
const STARTUP_MS = 60_000;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: OtlpValue }[];
}
interface OtlpExport {
  resourceSpans: { scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

/** What the collector stand-in received: each request's body, and its spans with their scope. */
const bodies: string[] = [];
const received: { scope: string; span: OtlpSpan }[] = [];
let collector: Server;
let gateway: ChildProcess;
let stdout = "";
let gatewayUrl: string;
const forbidden = new Set<string>([JWT_SECRET, SANDBOX_DEV_API_KEY, SANDBOX_DEV_WEBHOOK_SECRET]);

beforeAll(async () => {
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      bodies.push(body);
      if (request.url === "/v1/traces") {
        const parsed = JSON.parse(body) as OtlpExport;
        for (const resource of parsed.resourceSpans) {
          for (const scoped of resource.scopeSpans) {
            for (const span of scoped.spans) received.push({ scope: scoped.scope.name, span });
          }
        }
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  gateway = spawn("node_modules/.bin/tsx", ["src/main.ts"], {
    env: {
      ...process.env,
      PORT: "0",
      SANDBOX_PORT: "0",
      LOG_LEVEL: "warn",
      AUTH_JWT_SECRET: JWT_SECRET,
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_KEY_PREFIX: `tracing-process-${randomUUID().slice(0, 8)}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_SERVICE_NAME: "tracing-process-test",
      OTEL_BSP_SCHEDULE_DELAY: "100",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  gateway.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  gateway.stderr?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  gatewayUrl = await waitFor(
    () => /GraphQL \(HTTP \+ WebSocket\)\s+(http:\/\/\S+)\/graphql/.exec(stdout)?.[1],
    "the gateway's start-up banner",
    STARTUP_MS,
  );
}, STARTUP_MS + 10_000);

afterAll(async () => {
  if (gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway.once("exit", resolve));
    gateway.kill("SIGTERM");
    await exited;
  }
  await new Promise((resolve) => collector.close(resolve));
}, 30_000);

describe("traces from `npm start`'s entry, exported over OTLP/HTTP", () => {
  it("continue the caller's traceparent through the instrumentations' spans to the gateway's, and hold no secret or variable", async () => {
    const token = await signToken(loadConfig({ AUTH_JWT_SECRET: JWT_SECRET }).auth, {
      customerId: CUSTOMER,
    });
    forbidden.add(token);
    const traceId = randomBytes(16).toString("hex");
    const parentId = randomBytes(8).toString("hex");
    const missing = `fca_processVariable${randomUUID().replaceAll("-", "")}`;
    forbidden.add(missing);
    const url = new URL(`${gatewayUrl}/graphql`);
    url.searchParams.set("query", "query One($id: ID!) { account(id: $id) { id status } }");
    url.searchParams.set("variables", JSON.stringify({ id: missing }));
    const response = await fetch(url, {
      headers: {
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-${parentId}-01`,
        "apollo-require-preflight": "1",
      },
    });
    const answer = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(["NOT_FOUND"]);

    const inTrace = await waitFor(() => {
      const spans = received.filter((entry) => entry.span.traceId === traceId);
      return spans.some((entry) => entry.span.name === "operation query One") &&
        spans.some((entry) => entry.scope === "@opentelemetry/instrumentation-http")
        ? spans
        : undefined;
    }, "the request's spans at the collector");
    const server = inTrace.find((entry) => entry.scope === "@opentelemetry/instrumentation-http");
    expect(server?.span.parentSpanId).toBe(parentId);
    const operation = inTrace.find((entry) => entry.span.name === "operation query One");
    const byId = new Map(inTrace.map((entry) => [entry.span.spanId, entry.span]));
    let ancestor = operation?.span.parentSpanId;
    while (ancestor !== undefined && ancestor !== server?.span.spanId) {
      ancestor = byId.get(ancestor)?.parentSpanId;
    }
    expect(ancestor, "the operation span sits under the http server span").toBe(
      server?.span.spanId,
    );
    const scopes = new Set(inTrace.map((entry) => entry.scope));
    for (const scope of ["@opentelemetry/instrumentation-graphql", "fc-relink-gateway"]) {
      expect(scopes).toContain(scope);
    }
    // GraphQL requests skip Express (the lean /graphql route); the requests Express answers
    // (here a path no route serves) are traced by the express instrumentation.
    const expressTrace = randomBytes(16).toString("hex");
    await fetch(`${gatewayUrl}/no/such/route`, {
      headers: { traceparent: `00-${expressTrace}-${randomBytes(8).toString("hex")}-01` },
    });
    await waitFor(
      () =>
        received.some(
          (entry) =>
            entry.span.traceId === expressTrace &&
            entry.scope === "@opentelemetry/instrumentation-express",
        )
          ? true
          : undefined,
      "an express span of a request Express answered",
    );
    expect(inTrace.some((entry) => entry.span.name.startsWith("stripe GET "))).toBe(true);
    await waitFor(
      () =>
        received.some((entry) => entry.scope === "@opentelemetry/instrumentation-ioredis")
          ? true
          : undefined,
      "an ioredis span",
    );

    // Everything exported, resource and scopes included, scanned as sent.
    const exported = bodies.join("\n");
    expect([...forbidden].filter((secret) => exported.includes(secret))).toEqual([]);
    expect(exported).not.toContain("variables=");
    expect(exported).not.toContain("?query");
  });
});
