/**
 * The runner tells the fair gate which operations were refused for their caller's own doing
 * (`release(true)`: a document that does not parse, validate or fit the work bound), so pacing
 * charges them (src/limits/fair-pacing.ts); an operation that ran is released without it. The
 * gate here is the real one, wrapped to record each turn's release.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { createTokenVerifier } from "../../src/auth/token-verifier.js";
import { loadConfig } from "../../src/config/config.js";
import type { GatewayContext } from "../../src/graphql/context.js";
import { createFairAdmission, type FairAdmission } from "../../src/limits/fair-admission.js";
import { createLogger } from "../../src/observability/logger.js";
import { createGatewayMetrics } from "../../src/observability/metrics.js";
import { documentRules } from "../../src/pipeline/document-rules.js";
import { createOperationRunner } from "../../src/pipeline/runner.js";
import { jsonBodyReader } from "../../src/server/json-body.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { directGraphqlHttp } from "../../src/transports/direct-http.js";
import { LogSink } from "../support/gateway.js";

const auth = loadConfig({}).auth;
const credentials = {
  authorization: `Bearer ${await signToken(auth, { customerId: "cus_paced" })}`,
  actAsCustomer: undefined,
};
const SSE = { name: "sse", label: "Server-Sent Events", subscriptions: true } as const;

/** A runner whose fair gate records, per turn, whether it was released as a refusal. */
function recordingRunner() {
  const releases: boolean[] = [];
  const gate = createFairAdmission({ maxActive: 4, maxQueued: 16 });
  const fairAdmission: FairAdmission = {
    enter: async (caller) => {
      const turn = await gate.enter(caller);
      if (!turn.admitted) return turn;
      return {
        admitted: true,
        release: (refused = false) => {
          releases.push(refused);
          turn.release(refused);
        },
      };
    },
    held: (caller) => gate.held(caller),
  };
  const runner = createOperationRunner({
    schema: buildGatewaySchema(),
    rules: documentRules({ maxValidationWork: 5_000 }),
    verifyToken: createTokenVerifier(auth),
    allowAnonymousIntrospection: true,
    contextFor: () =>
      ({ staleServedSince: () => undefined, stripeCalls: new Map() }) as unknown as GatewayContext,
    logger: createLogger("info", new LogSink()),
    metrics: createGatewayMetrics(),
    maxPendingEvents: 100,
    fairAdmission,
  });
  return { runner, releases };
}

const DOCUMENTS = {
  unparsable: "{ accounts { ",
  invalid: "{ noSuchField }",
  tooComplex: `{ ${"__typename ".repeat(120)}}`,
  fine: "{ __typename }",
};

describe("refusals charged to the caller's pace", () => {
  it.each([
    { name: "unparsable", query: DOCUMENTS.unparsable, refused: true },
    { name: "failing validation", query: DOCUMENTS.invalid, refused: true },
    { name: "over the validation-work bound", query: DOCUMENTS.tooComplex, refused: true },
    { name: "answered", query: DOCUMENTS.fine, refused: false },
  ])("a document $name is released with refused = $refused", async ({ query, refused }) => {
    const { runner, releases } = recordingRunner();
    const outcome = await runner.run(
      { requestId: "r", caller: { credentials }, request: { query } },
      SSE,
    );
    expect(outcome.kind).toBe(refused ? "refused" : "single");
    expect(releases).toEqual([refused]);
  });

  it("an HTTP document refused before Apollo parses it is released as a refusal", async () => {
    const { runner, releases } = recordingRunner();
    const session = await runner.http({
      requestId: "h",
      credentials,
      request: { query: DOCUMENTS.tooComplex },
      traceCarriers: [],
    });
    expect(session.refusal?.status).toBe(400);
    expect(releases).toEqual([true]);
  });

  it.each([
    { name: "unparsable", query: DOCUMENTS.unparsable, status: 400, refused: true },
    { name: "failing validation", query: DOCUMENTS.invalid, status: 400, refused: true },
    { name: "answered", query: DOCUMENTS.fine, status: 200, refused: false },
  ])(
    "a document $name POSTed on the direct HTTP path is released with refused = $refused",
    async ({ query, status, refused }) => {
      const { runner, releases } = recordingRunner();
      const direct = directGraphqlHttp(runner);
      const read = jsonBodyReader(64 * 1024);
      const server = createServer((request, response) => {
        void read(request, response).then((body) => {
          if (direct(request, response, body, []) === undefined) response.destroy();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const answer = await fetch(
          `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
          {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: credentials.authorization,
            },
            body: JSON.stringify({ query }),
          },
        );
        expect(answer.status).toBe(status);
        expect(releases).toEqual([refused]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});
