import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { redactingSpanProcessor } from "../../src/observability/redacting-span-processor.js";

/** A provider of its own (not registered globally) whose spans pass the redacting processor. */
function recorder(knownSecrets: string[]) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [redactingSpanProcessor(knownSecrets), new SimpleSpanProcessor(exporter)],
  });
  return { tracer: provider.getTracer("redaction-test"), exporter };
}

describe("the redacting span processor (the last net under instrumentations' attributes)", () => {
  it("cuts the query string off URL attributes and drops url.query: a GET /graphql's variables never leave", () => {
    const { tracer, exporter } = recorder([]);
    const query =
      '?query=query+One($id:ID!){account(id:$id){id}}&variables={"id":"fca_secretVariable"}';
    tracer
      .startSpan("GET /graphql", {
        attributes: {
          "http.url": `http://gw:4000/graphql${query}`,
          "http.target": `/graphql${query}`,
          "url.full": `http://gw:4000/graphql${query}`,
          "url.query": query.slice(1),
          "url.path": "/graphql",
          "http.response.status_code": 200,
        },
      })
      .end();
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes).toEqual({
      "http.url": "http://gw:4000/graphql",
      "http.target": "/graphql",
      "url.full": "http://gw:4000/graphql",
      "url.path": "/graphql",
      "http.response.status_code": 200,
    });
  });

  it("blanks configured secrets and secret shapes in span and event attributes, strings and string arrays", () => {
    const configured = "a-configured-secret-value-0001";
    const { tracer, exporter } = recorder([configured]);
    const span = tracer.startSpan("work", {
      attributes: {
        "error.note": `failed with ${configured}`,
        headers: ["authorization: Bearer abc.def.ghi", "x-ok: yes"],
        "stripe.key": "sk_test_abcdef123456",
        count: 3,
      },
    });
    span.addEvent("retry", {
      "stripe.note": "client secret fcsess_123_secret_456 leaked",
    });
    span.end();
    const [recorded] = exporter.getFinishedSpans();
    expect(recorded?.attributes).toEqual({
      "error.note": "failed with [redacted]",
      headers: ["authorization: Bearer [redacted]", "x-ok: yes"],
      "stripe.key": "[redacted]",
      count: 3,
    });
    expect(recorded?.events[0]?.attributes).toEqual({
      "stripe.note": "client secret [redacted] leaked",
    });
  });

  it("drops error messages and stacks (they may quote a variable), keeping the exception's type and the error status", () => {
    const { tracer, exporter } = recorder([]);
    const span = tracer.startSpan("graphql.resolve account");
    const error = new Error("Account not found: fca_fromAVariable");
    span.recordException(error);
    span.setStatus({ code: 2, message: error.message });
    span.end();
    const [recorded] = exporter.getFinishedSpans();
    expect(recorded?.status).toEqual({ code: 2 });
    expect(recorded?.events[0]?.attributes).toEqual({ "exception.type": "Error" });
  });
});
