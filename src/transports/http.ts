import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from "@apollo/server";
import type { ExpressContextFunctionArgument } from "@as-integrations/express5";
import { GraphQLError } from "graphql";
import { ACT_AS_CUSTOMER_HEADER } from "../auth/viewer-from-request.js";
import { UpstreamRateLimitedError } from "../data/errors.js";
import type { GatewayContext } from "../graphql/context.js";
import type { OperationAdmission } from "../pipeline/admit-operation.js";
import { originalErrorOf } from "../pipeline/client-errors.js";
import type { OperationTrace, TransportAbilities } from "../pipeline/operation-trace.js";
import type { OperationPipeline } from "../pipeline/pipeline.js";
import { REQUEST_ID_HEADER } from "../server/request-id.js";

/** HTTP answers each request once: it serves no subscriptions. */
const HTTP: TransportAbilities = { name: "HTTP", subscriptions: false };

/** The HTTP adapter: Apollo's context function and the plugin that runs the pipeline's stages. */
export interface HttpTransport {
  /** For `expressMiddleware`: authenticates, then builds the context. */
  context(argument: ExpressContextFunctionArgument): Promise<GatewayContext>;
  /** For `createApolloServer`: admission, execution, masking of refusals, the log line and metrics. */
  plugin: ApolloServerPlugin<GatewayContext>;
}

/**
 * Where a context carries its operation's trace: Apollo runs each request on a shallow copy of
 * the context the context function built, and a copy keeps its own enumerable symbol keys.
 */
const TRACE = Symbol("operation trace");
type TracedContext = GatewayContext & { [TRACE]?: OperationTrace };

/**
 * The longest `Retry-After` any of `errors` asks for (a field refused by the Stripe budget), in
 * whole seconds; undefined when none does.
 */
function retryAfterOf(errors: readonly unknown[]): number | undefined {
  let longest: number | undefined;
  for (const error of errors) {
    const original = originalErrorOf(error);
    if (original instanceof UpstreamRateLimitedError && original.retryAfterSeconds !== undefined) {
      longest = Math.max(longest ?? 0, original.retryAfterSeconds);
    }
  }
  return longest;
}

/** A pipeline refusal as Apollo answers it: the error with its HTTP status. */
const withStatus = (error: GraphQLError, status: number) =>
  new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });

/**
 * Maps GraphQL over HTTP (Apollo Server behind Express) onto the pipeline. Apollo builds the
 * context before it parses, so the context function runs stage 1 (and stage 3): a refused
 * caller is answered 401/403 and finished there, before Apollo parses, validates or prices
 * anything. Apollo then parses and validates with the pipeline's DocumentRules (given to
 * `createApolloServer`); the plugin runs admission once the operation is resolved, answers a
 * refusal itself (masked, with its status and `Retry-After`) so nothing executes, adds
 * `extensions.cost` to every priced answer, and finishes the trace with every error Apollo or
 * execution raised. A method other than GET and POST is answered 405 before anything else.
 */
export function httpTransport(pipeline: OperationPipeline): HttpTransport {
  return {
    context: async ({ req }) => {
      if (req.method !== "GET" && req.method !== "POST") {
        throw new GraphQLError("Only GET and POST requests are served on /graphql.", {
          extensions: {
            code: "BAD_REQUEST",
            http: { status: 405, headers: new HeaderMap([["allow", "GET, POST"]]) },
          },
        });
      }
      const request = req.method === "GET" ? req.query : req.body;
      const trace = pipeline.start("http", req.header(REQUEST_ID_HEADER) ?? null, { request });
      const auth = await pipeline.authenticate(
        trace,
        {
          authorization: req.header("authorization"),
          actAsCustomer: req.header(ACT_AS_CUSTOMER_HEADER),
        },
        request,
      );
      if (!auth.admitted) {
        pipeline.finish(trace);
        throw withStatus(auth.error, auth.status);
      }
      const context: TracedContext = pipeline.buildContext(trace);
      context[TRACE] = trace;
      return context;
    },
    plugin: {
      async requestDidStart({ request, contextValue }) {
        // Apollo's executeOperation (tests) brings its own context: the trace starts here then.
        const trace =
          (contextValue as TracedContext)[TRACE] ??
          pipeline.start("http", request.http?.headers.get(REQUEST_ID_HEADER) ?? null, {
            request,
            viewer: contextValue.viewer ?? null,
          });
        let admission: OperationAdmission | undefined;
        return {
          async didResolveOperation({ document }) {
            admission = await pipeline.admit(
              trace,
              { document, operationName: request.operationName, variables: request.variables },
              HTTP,
            );
          },
          async responseForOperation(): Promise<GraphQLResponse | null> {
            if (admission === undefined || admission.admitted) return null;
            const headers = new HeaderMap();
            if (admission.retryAfterSeconds !== undefined) {
              headers.set("retry-after", String(admission.retryAfterSeconds));
            }
            return {
              http: { status: admission.status, headers },
              body: {
                kind: "single",
                singleResult: { errors: admission.errors.map((error) => pipeline.mask(error)) },
              },
            };
          },
          async executionDidStart() {
            pipeline.executing(trace);
          },
          async willSendResponse({ response, errors }) {
            const cost = admission?.cost;
            if (cost !== undefined && response.body.kind === "single") {
              const result = response.body.singleResult;
              result.extensions = { ...result.extensions, cost };
            }
            const retryAfter = retryAfterOf(errors ?? []);
            if (retryAfter !== undefined) {
              response.http.headers.set("retry-after", String(retryAfter));
            }
            const notices = pipeline.notices(trace);
            if (Object.keys(notices).length > 0 && response.body.kind === "single") {
              const result = response.body.singleResult;
              result.extensions = { ...result.extensions, ...notices };
            }
            pipeline.report(trace, errors ?? []);
            pipeline.finish(trace);
          },
        };
      },
    },
  };
}
