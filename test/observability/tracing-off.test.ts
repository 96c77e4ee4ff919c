import { createRequire } from "node:module";
import { INVALID_SPAN_CONTEXT, ProxyTracerProvider, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { startOperationSpan } from "../../src/observability/operation-span.js";
import { inSpan, TRACER_NAME, tracingRegistered } from "../../src/observability/spans.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";

const DASHBOARD = "query Dashboard { accounts(first: 10) { nodes { id authorization { id } } } }";

describe("tracing settings (the standard OTEL_* variables)", () => {
  it.each([
    [{}, { enabled: false, exporters: [] }],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" },
      { enabled: true, exporters: ["otlp"] },
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" },
      { enabled: true, exporters: ["otlp"] },
    ],
    [{ OTEL_TRACES_EXPORTER: "console" }, { enabled: true, exporters: ["console"] }],
    [{ OTEL_TRACES_EXPORTER: "otlp,console" }, { enabled: true, exporters: ["otlp", "console"] }],
    [
      { OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" },
      { enabled: false, exporters: [] },
    ],
    [
      { OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" },
      { enabled: false, exporters: [] },
    ],
  ])("%j → %j", (env, expected) => {
    expect(loadConfig(env).tracing).toMatchObject(expected);
  });

  it("names the service after OTEL_SERVICE_NAME, else the gateway", () => {
    expect(loadConfig({}).tracing.serviceName).toBe("fc-relink-gateway");
    expect(loadConfig({ OTEL_SERVICE_NAME: "edge-gw" }).tracing.serviceName).toBe("edge-gw");
  });

  it("refuses an exporter it does not know, naming the variable", () => {
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: "jaeger" })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: "jaeger" })).toThrow(/OTEL_TRACES_EXPORTER/);
  });
});

describe("tracing off (no OTEL_* set)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: "100000000" } });
  });
  afterAll(() => stack.close());

  it("registers nothing and loads no SDK: every span the gateway starts is the API's no-op one", async () => {
    expect(stack.config.tracing.enabled).toBe(false);
    const customer = await coldCustomer(stack, 2, 1);
    const answer = await graphql(stack, DASHBOARD, {}, customer.id, {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    });
    expect(answer.errors).toBeUndefined();

    const provider = trace.getTracerProvider();
    expect(provider).toBeInstanceOf(ProxyTracerProvider);
    // No SDK provider behind the API's proxy: it hands out no-op tracers.
    expect((provider as ProxyTracerProvider).getDelegate().constructor.name).toBe(
      "NoopTracerProvider",
    );
    const span = trace.getTracer(TRACER_NAME).startSpan("probe");
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toEqual(INVALID_SPAN_CONTEXT);
    span.end();
    // The SDK (CommonJS) was never loaded into this process.
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(
      loaded.filter((path) => /@opentelemetry[\\/](sdk-|exporter-|instrumentation)/.test(path)),
    ).toEqual([]);
  });

  it("gives every operation the one span that records nothing, whatever its carriers say, none built per operation", () => {
    expect(tracingRegistered()).toBe(false);
    const first = startOperationSpan("http", {
      carriers: [{ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }],
      inheritActive: true,
    });
    const second = startOperationSpan("ws");
    expect(second.span).toBe(first.span);
    expect(second.context).toBe(first.context);
    expect(first.span.isRecording()).toBe(false);
    expect(first.span.spanContext()).toEqual(INVALID_SPAN_CONTEXT);
    expect(trace.getSpan(first.context)).toBe(first.span);
  });

  it("runs the gateway's own spans' work directly, with a span that records nothing, failures passed on", async () => {
    expect(tracingRegistered()).toBe(false);
    const seen: boolean[] = [];
    const answer = await inSpan("probe", { probe: 1 }, async (span) => {
      seen.push(span.isRecording());
      span.setAttribute("ignored", true);
      return "done";
    });
    expect(answer).toBe("done");
    expect(seen).toEqual([false]);
    await expect(
      inSpan("failing probe", {}, async () => {
        throw new TypeError("upstream");
      }),
    ).rejects.toThrow(TypeError);
  });
});
