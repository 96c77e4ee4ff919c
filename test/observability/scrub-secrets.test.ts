import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { secretScrubber } from "../../src/observability/scrub-secrets.js";
import { logOperation } from "../../src/pipeline/operation-line.js";
import { LogSink } from "../support/gateway.js";

describe("secretScrubber", () => {
  const scrub = secretScrubber(["configured-key-without-a-known-shape"]);

  it("blanks secrets inside free text, by shape and by configured value", () => {
    const line = [
      "key sk_test_abcDEF123 and rk_live_xyz789",
      "whsec_abc_123",
      "fcsess_1AbC_secret_ZyX987",
      "Authorization: Bearer abc.def-ghi",
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
      "configured-key-without-a-known-shape",
    ].join(" | ");
    expect(scrub(line)).toBe(
      "key [redacted] and [redacted] | [redacted] | [redacted] | Authorization: Bearer [redacted] | jwt [redacted] | [redacted]",
    );
  });

  it("leaves ordinary ids and words alone", () => {
    const line = "fca_1AbC fcauthz_9 evt_123 GET /v1/financial_connections/accounts secretary";
    expect(scrub(line)).toBe(line);
  });

  it("is applied to every line the logger writes, whatever the field", () => {
    const sink = new LogSink();
    const logger = createLogger("trace", sink, ["whatever-the-operator-configured"]);
    logger.error({ err: new Error("Invalid API Key provided: sk_live_leaked12345") }, "boom");
    logger.info({ note: "whatever-the-operator-configured", authorization: "Bearer t" }, "x");
    const text = sink.text();
    expect(text).not.toContain("sk_live_leaked12345");
    expect(text).not.toContain("whatever-the-operator-configured");
    expect(text).toContain("[redacted]");
    expect(sink.lines).toHaveLength(2);
  });

  it("is applied to the operation line too (written without path redaction): a secret in the client's operation name is blanked", () => {
    const sink = new LogSink();
    const logger = createLogger("info", sink, ["whatever-the-operator-configured"]);
    for (let line = 0; line < 2; line++) {
      logOperation(logger, {
        transport: "http",
        requestId: "r1",
        operation:
          "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln whatever-the-operator-configured",
        type: "query",
        startedAt: performance.now(),
        stripeCalls: undefined,
        errors: [],
        errorCodes: [],
      });
    }
    const text = sink.text();
    expect(sink.lines).toHaveLength(2);
    expect(text).not.toContain("eyJhbGciOiJIUzI1NiJ9");
    expect(text).not.toContain("whatever-the-operator-configured");
    expect(JSON.parse(sink.lines[0] ?? "{}")).toMatchObject({
      msg: "graphql operation",
      service: "fc-gateway",
    });
  });
});
