/**
 * The direct GraphQL-over-HTTP path (directGraphqlHttp) against Apollo Server's own answer to the
 * same requests, over one runner: status, body byte for byte, Content-Type, Cache-Control and
 * Retry-After, for successes and for every kind of error (parse, validation with and without
 * suggestions hidden, variables, unknown operation, subscription, unexpected and deliberate
 * resolver errors, an error asking for its own status), with each common Accept header; and which
 * requests the direct path leaves to Apollo.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { makeExecutableSchema } from "@graphql-tools/schema";
import { GraphQLError } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { createTokenVerifier } from "../../src/auth/token-verifier.js";
import { loadConfig } from "../../src/config/config.js";
import type { GatewayContext } from "../../src/graphql/context.js";
import { createLogger } from "../../src/observability/logger.js";
import { createGatewayMetrics } from "../../src/observability/metrics.js";
import { documentRules } from "../../src/pipeline/document-rules.js";
import { createOperationRunner } from "../../src/pipeline/runner.js";
import { createApolloServer } from "../../src/server/apollo.js";
import { jsonBodyReader } from "../../src/server/json-body.js";
import { apolloNodeHttp } from "../../src/transports/apollo-node-http.js";
import { directGraphqlHttp, directRequestOf } from "../../src/transports/direct-http.js";
import { httpTransport } from "../../src/transports/http.js";

const schema = makeExecutableSchema({
  typeDefs: `
    type Query {
      fine(n: Int): String
      bug: String
      deliberate: String
      teapot: String
      nested: Inner!
    }
    type Inner { broken: String! }
    type Mutation { touch: Boolean }
    type Subscription { ticks: Int }
  `,
  resolvers: {
    Query: {
      fine: (_: unknown, { n }: { n?: number }) => `ok ${n ?? ""}`,
      bug: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'holder')");
      },
      deliberate: () => {
        throw new GraphQLError("Account not found: fca_1", { extensions: { code: "NOT_FOUND" } });
      },
      teapot: () => {
        throw new GraphQLError("Short and stout.", {
          extensions: { code: "BAD_REQUEST", http: { status: 418 } },
        });
      },
      nested: () => ({}),
    },
    Inner: { broken: () => null },
    Mutation: { touch: () => true },
  },
});

const config = loadConfig({});
const contextOf = (): GatewayContext =>
  ({ stripeCalls: new Map(), staleServedSince: () => undefined }) as unknown as GatewayContext;

interface Pair {
  direct: string;
  apollo: string;
  close(): Promise<void>;
}

async function listen(
  answer: (request: IncomingMessage, response: import("node:http").ServerResponse) => void,
): Promise<Server> {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** One runner, two servers: the direct path first (Apollo for the rest), and Apollo alone. */
async function pair(introspection: boolean): Promise<Pair> {
  const rules = documentRules({ introspection });
  const runner = createOperationRunner({
    schema,
    rules,
    verifyToken: createTokenVerifier(config.auth),
    allowAnonymousIntrospection: false,
    contextFor: contextOf,
    logger: createLogger("silent"),
    metrics: createGatewayMetrics(),
    maxPendingEvents: 100,
  });
  const http = httpTransport(runner);
  const apollo = createApolloServer([http.plugin], schema, {
    introspection,
    documentStore: runner.documentStore,
    runner: runner.apollo,
  });
  await apollo.start();
  const viaApollo = apolloNodeHttp(apollo, http.context);
  const direct = directGraphqlHttp(runner);
  const read = jsonBodyReader(64 * 1024);
  const servers = await Promise.all(
    [true, false].map((withDirect) =>
      listen((request, response) => {
        void read(request, response).then(
          (body) =>
            (withDirect ? direct(request, response, body, []) : undefined) ??
            viaApollo(request, response, body),
        );
      }),
    ),
  );
  const url = (server: Server) =>
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    direct: url(servers[0] as Server),
    apollo: url(servers[1] as Server),
    close: async () => {
      for (const server of servers) await new Promise((resolve) => server.close(resolve));
      await apollo.stop();
    },
  };
}

const ANSWER_HEADERS = ["content-type", "cache-control", "retry-after", "content-length"];

async function answerOf(url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const picked: Record<string, string | null> = {};
  for (const name of ANSWER_HEADERS) picked[name] = response.headers.get(name);
  return { status: response.status, headers: picked, body: await response.text() };
}

let token: string;
let development: Pair;
let production: Pair;
beforeAll(async () => {
  token = await signToken(config.auth, { customerId: "cus_parity" });
  [development, production] = await Promise.all([pair(true), pair(false)]);
});
afterAll(async () => {
  await development?.close();
  await production?.close();
});

const CASES: [string, Record<string, unknown>][] = [
  ["a success", { query: "{ __typename fine }" }],
  [
    "variables and an operation name",
    {
      query: "query A($n: Int) { fine(n: $n) } query B { fine }",
      operationName: "A",
      variables: { n: 3 },
      extensions: { clientLibrary: { name: "test" } },
    },
  ],
  ["a parse error", { query: "{ fine(" }],
  ["a validation error with a suggestion", { query: "{ fin }" }],
  ["several validation errors", { query: "{ fin nope { x } }" }],
  ["introspection", { query: "{ __schema { queryType { name } } }" }],
  [
    "variables that do not coerce",
    { query: "query ($n: Int!) { fine(n: $n) }", variables: { n: "x" } },
  ],
  ["a missing variable", { query: "query ($n: Int!) { fine(n: $n) }" }],
  ["an unknown operation name", { query: "query A { fine }", operationName: "B" }],
  ["several operations, none named", { query: "query A { fine } query B { fine }" }],
  ["a subscription over POST", { query: "subscription { ticks }" }],
  ["a mutation", { query: "mutation { touch }" }],
  ["an unexpected resolver error (masked)", { query: "query Broken { bug fine }" }],
  ["a deliberate resolver error", { query: "{ deliberate }" }],
  ["an error asking for its own status", { query: "{ teapot fine }" }],
  ["a null in a non-null field (data null)", { query: "{ nested { broken } }" }],
];

const ACCEPTS: [string, Record<string, string>][] = [
  ["no Accept", {}],
  ["Accept */*", { accept: "*/*" }],
  ["Accept application/json", { accept: "application/json" }],
  ["Accept application/graphql-response+json", { accept: "application/graphql-response+json" }],
  [
    "Apollo Client 4's Accept",
    { accept: "application/graphql-response+json,application/json;q=0.9" },
  ],
  ["graphql-request's Accept", { accept: "application/graphql-response+json, application/json" }],
  ["axios's Accept", { accept: "application/json, text/plain, */*" }],
];

describe.each([
  ["introspection on", () => development],
  ["introspection off (production)", () => production],
])("the direct path answers as Apollo does, %s", (_posture, target) => {
  describe.each(ACCEPTS)("%s", (_accept, accept) => {
    it.each(CASES)("%s", async (_name, body) => {
      const headers = { authorization: `Bearer ${token}`, ...accept };
      const [direct, apollo] = await Promise.all([
        answerOf(target().direct, body, headers),
        answerOf(target().apollo, body, headers),
      ]);
      expect(direct).toEqual(apollo);
    });
  });

  it.each([
    ["no token", {}],
    ["a malformed token", { authorization: "Bearer nope" }],
  ])("refuses %s as Apollo does", async (_name, headers) => {
    const body = { query: "{ fine }" };
    const [direct, apollo] = await Promise.all([
      answerOf(target().direct, body, headers),
      answerOf(target().apollo, body, headers),
    ]);
    expect(direct.status).toBe(401);
    expect(direct).toEqual(apollo);
  });
});

describe("a masked error through the direct path", () => {
  it("says nothing of the failure", async () => {
    const answer = await answerOf(
      development.direct,
      { query: "{ bug }" },
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      errors: [
        {
          message: "Unexpected error.",
          locations: [{ line: 1, column: 3 }],
          path: ["bug"],
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        },
      ],
      data: { bug: null },
    });
  });
});

describe("which requests the direct path takes", () => {
  const requestWith = (method: string, headers: Record<string, string> = {}) =>
    ({ method, headers }) as unknown as IncomingMessage;
  it("takes a POST of one operation with a common Accept header", () => {
    expect(directRequestOf(requestWith("POST"), { query: "{ a }" })).toEqual({
      query: "{ a }",
      operationName: undefined,
      variables: undefined,
      mediaType: "application/json; charset=utf-8",
    });
    expect(
      directRequestOf(requestWith("POST", { accept: "application/graphql-response+json" }), {
        query: "{ a }",
        operationName: null,
        variables: null,
        extensions: {},
      }),
    ).toMatchObject({ mediaType: "application/graphql-response+json; charset=utf-8" });
  });
  it.each([
    ["a GET", requestWith("GET"), { query: "{ a }" }],
    ["a batch", requestWith("POST"), [{ query: "{ a }" }]],
    ["no query", requestWith("POST"), { operationName: "A" }],
    ["an empty query", requestWith("POST"), { query: "" }],
    ["a query that is not a string", requestWith("POST"), { query: { kind: "Document" } }],
    ["variables as a string", requestWith("POST"), { query: "{ a }", variables: "{}" }],
    [
      "an operation name that is not a string",
      requestWith("POST"),
      { query: "{ a }", operationName: 1 },
    ],
    ["extensions as a string", requestWith("POST"), { query: "{ a }", extensions: "{}" }],
    ["a document id", requestWith("POST"), { documentId: "sha256:ab", query: "{ a }" }],
    [
      "a persisted query",
      requestWith("POST"),
      { query: "{ a }", extensions: { persistedQuery: { version: 1, sha256Hash: "ab" } } },
    ],
    [
      "an Accept header of its own",
      requestWith("POST", { accept: "text/html" }),
      { query: "{ a }" },
    ],
    ["no body", requestWith("POST"), undefined],
  ])("leaves %s to Apollo", (_name, request, body) => {
    expect(directRequestOf(request, body)).toBeUndefined();
  });
});
