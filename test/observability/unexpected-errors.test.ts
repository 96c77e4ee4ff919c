/**
 * Anything unexpected is logged once, with its stack (and Stripe's request id when Stripe was
 * behind it), before the client sees it masked as INTERNAL_SERVER_ERROR.
 */
import { makeExecutableSchema } from "@graphql-tools/schema";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createTokenVerifier } from "../../src/auth/token-verifier.js";
import { loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { createGatewayMetrics } from "../../src/observability/metrics.js";
import { documentRules } from "../../src/pipeline/document-rules.js";
import { createOperationRunner } from "../../src/pipeline/runner.js";
import { createApolloServer } from "../../src/server/apollo.js";
import { httpTransport } from "../../src/transports/http.js";
import { LogSink } from "../support/gateway.js";

const STRIPE_REQUEST_ID = "req_unclassified01";

const failing = makeExecutableSchema({
  typeDefs: "type Query { bug: String stripe: String fine: String }",
  resolvers: {
    Query: {
      bug: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'holder')");
      },
      // A Stripe error that reached the edge without the data layer naming it.
      stripe: () => {
        throw Stripe.errors.StripeError.generate({
          statusCode: 402,
          type: "card_error",
          message: "Your card was declined.",
          requestId: STRIPE_REQUEST_ID,
        } as Stripe.StripeRawError);
      },
      fine: () => "ok",
    },
  },
});

async function run(query: string) {
  const sink = new LogSink();
  const runner = createOperationRunner({
    schema: failing,
    rules: documentRules({}),
    verifyToken: createTokenVerifier(loadConfig({}).auth),
    allowAnonymousIntrospection: true,
    contextFor: () => {
      throw new Error("executeOperation brings its own context");
    },
    logger: createLogger("info", sink),
    metrics: createGatewayMetrics(),
    maxPendingEvents: 100,
  });
  const server = createApolloServer([httpTransport(runner).plugin], failing);
  await server.start();
  try {
    const response = await server.executeOperation({ query });
    const body = response.body.kind === "single" ? response.body.singleResult : undefined;
    const lines = sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { body, lines };
  } finally {
    await server.stop();
  }
}

describe("unexpected errors", () => {
  it("are logged once each with their stack and path, and masked for the client", async () => {
    const { body, lines } = await run("query Broken { bug fine }");
    expect(body?.data).toEqual({ bug: null, fine: "ok" });
    expect(body?.errors).toEqual([
      expect.objectContaining({
        message: "Unexpected error.",
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      }),
    ]);
    const unexpected = lines.filter((line) => line.msg === "unexpected error in graphql operation");
    expect(unexpected).toHaveLength(1);
    expect(unexpected[0]).toMatchObject({ level: 50, operation: "Broken", path: "bug" });
    const err = unexpected[0]?.err as { type: string; message: string; stack: string };
    expect(err.type).toBe("TypeError");
    expect(err.stack).toMatch(/reading 'holder'[\s\S]*\n\s+at /);
    const operation = lines.find((line) => line.msg === "graphql operation");
    expect(operation?.errorCodes).toEqual(["INTERNAL_SERVER_ERROR"]);
  });

  it("carry Stripe's request id when a Stripe error reached the edge unnamed", async () => {
    const { body, lines } = await run("query Charge { stripe }");
    expect(body?.errors?.map((error) => error.extensions?.code)).toEqual(["INTERNAL_SERVER_ERROR"]);
    expect(JSON.stringify(body)).not.toContain("declined");
    const unexpected = lines.filter((line) => line.msg === "unexpected error in graphql operation");
    expect(unexpected).toHaveLength(1);
    expect(unexpected[0]).toMatchObject({ stripeRequestId: STRIPE_REQUEST_ID, path: "stripe" });
    expect(lines.find((line) => line.msg === "graphql operation")).toMatchObject({
      upstreamErrors: [
        {
          path: "stripe",
          status: 402,
          type: "card_error",
          code: null,
          param: null,
          message: "Your card was declined.",
          requestId: STRIPE_REQUEST_ID,
        },
      ],
    });
  });
});
