import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { ACT_AS_CUSTOMER_HEADER } from "../auth/viewer-from-request.js";
import { codedError } from "../errors/coded-error.js";
import type { GatewayContext } from "../graphql/context.js";
import type { HttpSession, OperationRunner } from "../pipeline/runner.js";
import { type HttpRequestShape, headerOf, operationRequestOf } from "./http-request.js";
import { REQUEST_ID_HEADER } from "./request-id.js";

export type { HttpRequestShape } from "./http-request.js";

/** The HTTP adapter: Apollo's context function and the plugin that runs the pipeline's stages. */
export interface HttpTransport {
  /** For Apollo's `executeHTTPGraphQLRequest`: authenticates, then builds the context. */
  context(argument: { req: HttpRequestShape }): Promise<GatewayContext>;
  /** For `createApolloServer`: admission, execution, masking of refusals, the log line and metrics. */
  plugin: ApolloServerPlugin<GatewayContext>;
}

/**
 * Where a context carries its operation's session: Apollo runs each request on a shallow copy of
 * the context the context function built, and a copy keeps its own enumerable symbol keys.
 */
const SESSION = Symbol("operation session");
type SessionContext = GatewayContext & { [SESSION]?: HttpSession };

/** Apollo's request without the persisted query extension (Apollo's own persisted queries are off). */
function withoutPersistedQuery(extensions: Record<string, unknown> | undefined) {
  if (extensions === undefined || !("persistedQuery" in extensions)) return extensions;
  const { persistedQuery: _resolved, ...rest } = extensions;
  return rest;
}

/** A runner refusal as Apollo answers it: the error with its HTTP status (and `Retry-After`). */
const withStatus = (error: GraphQLError, status: number, retryAfterSeconds?: number) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: {
      ...error.extensions,
      http:
        retryAfterSeconds === undefined
          ? { status }
          : { status, headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]) },
    },
  });

/**
 * GraphQL over HTTP (Apollo Server's `executeHTTPGraphQLRequest`) onto the runner's HTTP session:
 * Apollo parses, validates and executes; each of its hooks calls the session, which knows which
 * of the runner's stages comes then. The context function hands over what was received (a method
 * other than GET and POST is answered 405 first) and throws the session's refusal with its status
 * (Apollo masks it); the plugin hands Apollo the trusted document's text, tells the session of
 * validation and of the resolved operation, answers an admission refusal itself (masked, with its
 * status and `Retry-After`) so nothing executes, and adds the session's extensions (cost, notices)
 * and `Retry-After` to the answer.
 */
export function httpTransport(runner: OperationRunner): HttpTransport {
  return {
    context: async ({ req }) => {
      if (req.method !== "GET" && req.method !== "POST") {
        throw codedError("BAD_REQUEST", "Only GET and POST requests are served on /graphql.", {
          extensions: { http: { status: 405, headers: new HeaderMap([["allow", "GET, POST"]]) } },
        });
      }
      const sent = operationRequestOf(req);
      const session = await runner.http({
        requestId: headerOf(req.headers, REQUEST_ID_HEADER) ?? null,
        credentials: {
          authorization: headerOf(req.headers, "authorization"),
          actAsCustomer: headerOf(req.headers, ACT_AS_CUSTOMER_HEADER),
        },
        request: sent,
        traceCarriers: [req.headers],
        ...(req.answered === undefined ? {} : { answered: req.answered }),
      });
      const { refusal } = session;
      if (refusal !== undefined) {
        throw withStatus(refusal.error, refusal.status, refusal.retryAfterSeconds);
      }
      // Not refused: the session built the context.
      const context = session.context as SessionContext;
      context[SESSION] = session;
      return context;
    },
    plugin: {
      async requestDidStart({ request, contextValue }) {
        // Apollo's executeOperation (tests) brings its own context: the session starts here then.
        const session =
          (contextValue as SessionContext)[SESSION] ??
          runner.httpAdopted(
            request,
            contextValue.viewer ?? null,
            request.http?.headers.get(REQUEST_ID_HEADER) ?? null,
            [Object.fromEntries(request.http?.headers ?? [])],
          );
        // A trusted document named by id: Apollo parses the manifest's text, and its own
        // persisted queries (off) never see the id.
        if (session.trustedText !== undefined) {
          request.query = session.trustedText;
          request.extensions = withoutPersistedQuery(request.extensions);
        }
        return {
          async validationDidStart() {
            return async (errors) => session.validated(errors);
          },
          async didResolveOperation({ document }) {
            await session.resolved({
              document,
              operationName: request.operationName,
              variables: request.variables,
            });
          },
          async responseForOperation(): Promise<GraphQLResponse | null> {
            const refused = session.admissionRefusal();
            if (refused === undefined) return null;
            const headers = new HeaderMap();
            if (refused.retryAfterSeconds !== undefined) {
              headers.set("retry-after", String(refused.retryAfterSeconds));
            }
            return {
              http: { status: refused.status, headers },
              body: { kind: "single", singleResult: { errors: refused.errors } },
            };
          },
          async executionDidStart() {
            session.executing();
          },
          async willSendResponse({ response, errors }) {
            const { extensions, retryAfterSeconds } = session.answered(errors ?? []);
            if (retryAfterSeconds !== undefined) {
              response.http.headers.set("retry-after", String(retryAfterSeconds));
            }
            if (Object.keys(extensions).length > 0 && response.body.kind === "single") {
              const result = response.body.singleResult;
              result.extensions = { ...result.extensions, ...extensions };
            }
          },
        };
      },
    },
  };
}
