import type { IncomingHttpHeaders } from "node:http";
import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import { ACT_AS_CUSTOMER_HEADER } from "../auth/viewer-from-request.js";
import { codedError } from "../errors/coded-error.js";
import { retryAfterOf } from "../errors/retry-after.js";
import type { GatewayContext } from "../graphql/context.js";
import type { OperationAdmission } from "../pipeline/admit-operation.js";
import type {
  OperationRequest,
  OperationTrace,
  TransportAbilities,
} from "../pipeline/operation-trace.js";
import type { OperationPipeline } from "../pipeline/pipeline.js";
import { REQUEST_ID_HEADER } from "../server/request-id.js";

/** HTTP answers each request once: it serves no subscriptions. */
const HTTP: TransportAbilities = { name: "HTTP", subscriptions: false };

/**
 * An HTTP request as the context function reads it, whatever server received it: its method,
 * headers (Node's, lower-case names), parsed JSON body (undefined without one) and query string.
 */
export interface HttpRequestShape {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The URL's query string, `?` included or empty. */
  search: string;
}

/** The HTTP adapter: Apollo's context function and the plugin that runs the pipeline's stages. */
export interface HttpTransport {
  /** For Apollo's `executeHTTPGraphQLRequest`: authenticates, then builds the context. */
  context(argument: { req: HttpRequestShape }): Promise<GatewayContext>;
  /** For `createApolloServer`: admission, execution, masking of refusals, the log line and metrics. */
  plugin: ApolloServerPlugin<GatewayContext>;
}

/**
 * Where a context carries its operation's trace: Apollo runs each request on a shallow copy of
 * the context the context function built, and a copy keeps its own enumerable symbol keys.
 */
const TRACE = Symbol("operation trace");
/** Where it carries the text of the trusted document its request named, for Apollo to parse. */
const TRUSTED_TEXT = Symbol("trusted document text");
type TracedContext = GatewayContext & { [TRACE]?: OperationTrace; [TRUSTED_TEXT]?: string };

/** A JSON-encoded GET parameter (`extensions`), decoded; undefined when it is not JSON. */
function decodedParameter(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * The operation an HTTP request carries, as the pipeline reads it: a POST's JSON body, or a
 * GET's parameters (`extensions` decoded). Null for a body that is not one JSON object (a batch,
 * text): Apollo refuses those itself, before parsing anything.
 */
function operationRequestOf(req: HttpRequestShape): OperationRequest | null {
  if (req.method === "GET") {
    const parameters = new URLSearchParams(req.search);
    const parameter = (name: string) => parameters.get(name) ?? undefined;
    return {
      query: parameter("query"),
      operationName: parameter("operationName"),
      variables: parameter("variables"),
      documentId: parameter("documentId"),
      extensions: decodedParameter(parameter("extensions")),
    };
  }
  const body: unknown = req.body;
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as OperationRequest)
    : null;
}

/** Apollo's request without the persisted query extension (Apollo's own persisted queries are off). */
function withoutPersistedQuery(extensions: Record<string, unknown> | undefined) {
  if (extensions === undefined || !("persistedQuery" in extensions)) return extensions;
  const { persistedQuery: _resolved, ...rest } = extensions;
  return rest;
}

/** A header's value (the first, if repeated), as Express's `req.header` gives it. */
function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A pipeline refusal as Apollo answers it: the error with its HTTP status (and `Retry-After`). */
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
 * Maps GraphQL over HTTP (Apollo Server's `executeHTTPGraphQLRequest`) onto the pipeline. Apollo builds the
 * context before it parses, so the context function runs stage 0 (the trusted document a POST
 * body's or GET's `documentId` or `extensions.persistedQuery` names; an ad-hoc document refused
 * when only trusted ones run), stage 1 (and stage 3): a refused request or caller is answered
 * (400/403, 401/403) and finished there, before Apollo parses, validates or prices anything;
 * the plugin hands Apollo the trusted document's text. Apollo then parses and validates with
 * the pipeline's DocumentRules (given to `createApolloServer`); the plugin runs admission once
 * the operation is resolved, answers a refusal itself (masked, with its status and
 * `Retry-After`) so nothing executes, adds `extensions.cost` to every priced answer, and
 * finishes the trace with every error Apollo or execution raised. A method other than GET and POST is answered 405 before anything else.
 */
export function httpTransport(pipeline: OperationPipeline): HttpTransport {
  return {
    context: async ({ req }) => {
      if (req.method !== "GET" && req.method !== "POST") {
        throw codedError("BAD_REQUEST", "Only GET and POST requests are served on /graphql.", {
          extensions: { http: { status: 405, headers: new HeaderMap([["allow", "GET, POST"]]) } },
        });
      }
      const sent = operationRequestOf(req);
      // The operation span continues the http instrumentation's server span (tracing on), else the
      // request's own `traceparent`.
      const trace = pipeline.start("http", headerOf(req.headers, REQUEST_ID_HEADER) ?? null, {
        request: sent ?? (req.body as OperationRequest | undefined),
        parent: { carriers: [req.headers], inheritActive: true },
      });
      // Stage 0 before Apollo parses anything: the trusted document the request names, or a refusal.
      const resolved = sent === null ? undefined : pipeline.resolveDocument(trace, sent);
      if (resolved !== undefined && !resolved.admitted) {
        pipeline.finish(trace);
        throw withStatus(resolved.error, resolved.status);
      }
      const request =
        sent === null || resolved === undefined ? sent : { ...sent, query: resolved.query };
      const auth = await pipeline.authenticate(
        trace,
        {
          authorization: headerOf(req.headers, "authorization"),
          actAsCustomer: headerOf(req.headers, ACT_AS_CUSTOMER_HEADER),
        },
        request ?? undefined,
      );
      if (!auth.admitted) {
        pipeline.finish(trace);
        throw withStatus(auth.error, auth.status);
      }
      // Stage 2a's analysis before Apollo parses and validates a text it has not cached: a spent
      // budget refused before parsing, a document over the validation-work bound refused before
      // graphql-js's rules run, the analysis cost set (Apollo then parses again and validates).
      const query = request?.query;
      if (typeof query === "string" && !pipeline.documentCached(query)) {
        const analysed = await pipeline.analyse(trace, query);
        if (!("document" in analysed)) {
          pipeline.finish(trace);
          const [error] = analysed.errors as [GraphQLError];
          throw withStatus(error, analysed.status, analysed.retryAfterSeconds);
        }
      }
      const context: TracedContext = pipeline.buildContext(trace);
      context[TRACE] = trace;
      if (resolved?.documentId != null && typeof resolved.query === "string") {
        context[TRUSTED_TEXT] = resolved.query;
      }
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
            parent: { carriers: [Object.fromEntries(request.http?.headers ?? [])] },
          });
        // A trusted document named by id: Apollo parses the manifest's text, and its own
        // persisted queries (off) never see the id. (executeOperation skips stage 0.)
        const trusted = (contextValue as TracedContext)[TRUSTED_TEXT];
        if (trusted !== undefined) {
          request.query = trusted;
          request.extensions = withoutPersistedQuery(request.extensions);
        }
        let admission: OperationAdmission | undefined;
        return {
          // A document that does not validate is charged like an operation that ran.
          async validationDidStart() {
            return async (errors) => {
              if (errors !== undefined && errors.length > 0) await pipeline.chargeRefusal(trace);
            };
          },
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
