import type { IncomingMessage, ServerResponse } from "node:http";
import { type ExecutionResult, execute, GraphQLError, type GraphQLFormattedError } from "graphql";
import { ACT_AS_CUSTOMER_HEADER } from "../auth/viewer-from-request.js";
import type { HttpSession, OperationRequest, OperationRunner } from "../pipeline/runner.js";
import {
  ensureGraphQLError,
  executionErrorsAsApollo,
  formatErrorsAsApollo,
  syntaxErrorAsApollo,
  validationErrorAsApollo,
} from "./apollo-error-semantics.js";
import { singleResultMediaType } from "./graphql-response-media.js";
import { headerOf } from "./http-request.js";
import { REQUEST_ID_HEADER } from "./request-id.js";

/**
 * Answers a GraphQL request whose body has been read, when it is one the direct path takes (a
 * promise settled once answered); undefined, nothing done, when Apollo must answer it.
 */
export type DirectGraphqlAnswer = (
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
  /**
   * The answer's own head, flat (name, value, …), not yet set on the response (the request id,
   * the security headers): written with the answer's in one `writeHead`, which appends to it.
   */
  head: string[],
) => Promise<void> | undefined;

/** The request the direct path answers, as Apollo would read it. */
interface DirectRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  /** The answer's Content-Type, negotiated as Apollo would. */
  mediaType: string;
}

/** What the answer is: its status, `Retry-After`, whether `Cache-Control: no-store`, its body. */
interface DirectReply {
  status: number;
  headers: [string, string][];
  noStore: boolean;
  errors?: readonly GraphQLFormattedError[];
  data?: unknown;
  extensions?: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The common request, read as Apollo reads a POST (`runHttpQuery`): a POST whose JSON body is one
 * object with a non-empty `query` string, `operationName` a string or absent, `variables` an object
 * or absent, `extensions` an object or absent, naming no document by id (`documentId`,
 * `extensions.persistedQuery`: the trusted documents' and Apollo's persisted queries' answers stay
 * Apollo's), and an `Accept` header whose answer's media type is known (graphql-response-media.ts).
 * A JSON body passed the route's media type check (`application/json`), which Apollo's CSRF
 * prevention lets through. Undefined for anything else: Apollo answers it.
 */
export function directRequestOf(
  request: IncomingMessage,
  body: unknown,
): DirectRequest | undefined {
  if (request.method !== "POST" || !isRecord(body)) return undefined;
  const mediaType = singleResultMediaType(request.headers.accept);
  if (mediaType === undefined) return undefined;
  const { query, operationName, variables, extensions } = body;
  if (typeof query !== "string" || query === "" || body.documentId !== undefined) return undefined;
  if (operationName != null && typeof operationName !== "string") return undefined;
  if (variables != null && !isRecord(variables)) return undefined;
  if (extensions != null && (!isRecord(extensions) || "persistedQuery" in extensions)) {
    return undefined;
  }
  return {
    query,
    operationName: typeof operationName === "string" ? operationName : undefined,
    variables: isRecord(variables) ? variables : undefined,
    mediaType,
  };
}

/**
 * Writes `reply` as Apollo's answer would be written (`apolloNodeHttp`: `JSON + "\n"`, its
 * Content-Length), `head` and the reply's headers in one `writeHead` (headers already set on the
 * response, such as the CORS gate's, are kept unless `head` names them).
 */
function write(
  response: ServerResponse,
  reply: DirectReply,
  mediaType: string,
  head: string[],
): void {
  // Apollo's field order (`orderExecutionResultFields`); undefined fields are left out.
  const text = `${JSON.stringify({ errors: reply.errors, data: reply.data, extensions: reply.extensions })}\n`;
  for (const [name, value] of reply.headers) head.push(name, value);
  if (reply.noStore) head.push("cache-control", "no-store");
  head.push("content-type", mediaType, "content-length", String(Buffer.byteLength(text)));
  response.writeHead(reply.status, head);
  response.end(text);
}

/**
 * GraphQL over HTTP for the common request (directRequestOf) without Apollo Server's request
 * pipeline: the runner's HTTP session (the same stages in the same order as through Apollo's
 * context function and the gateway's plugin: trusted document, authentication, the fair gate,
 * analysis, context; the document from the cache or parsed and validated with the same rules;
 * admission; execution by graphql-js; the answer's errors, extensions, `Retry-After`, the
 * operation's end), answered exactly as Apollo answers it with the gateway's plugins: the same
 * statuses (a refusal's own; 400 for parse and validation errors and for errors without data;
 * 500 for a failure), the same masked errors (Apollo's codes, the runner's formatter), the same
 * body (`{errors, data, extensions}` and a newline), `Cache-Control: no-store` where Apollo's
 * plugin hooks set it (not on refusals before the context), the same Content-Type. Every other
 * request, and every request while `open()` is false (shutdown: Apollo refuses once stopping),
 * is left to Apollo (undefined).
 */
export function directGraphqlHttp(
  runner: OperationRunner,
  open: () => boolean = () => true,
): DirectGraphqlAnswer {
  const { formatError, rules } = runner.apollo;
  const failed = (errors: readonly GraphQLError[], noStore: boolean): DirectReply => {
    const { formatted, head } = formatErrorsAsApollo(errors, formatError);
    return { status: head.status ?? 500, headers: head.headers, noStore, errors: formatted };
  };
  /** Apollo's `sendErrorResponse` after the context: the plugin's end of the operation runs. */
  const failedInSession = (session: HttpSession, errors: readonly GraphQLError[]) => {
    const reply = failed(errors, true);
    return ended(session, reply, errors);
  };
  /** The gateway plugin's `willSendResponse`: the operation's extensions, `Retry-After`, its end. */
  const ended = (session: HttpSession, reply: DirectReply, errors: readonly unknown[]) => {
    const { extensions, retryAfterSeconds } = session.answered(errors);
    if (retryAfterSeconds !== undefined)
      reply.headers.push(["retry-after", String(retryAfterSeconds)]);
    if (Object.keys(extensions).length > 0) {
      reply.extensions = { ...reply.extensions, ...extensions };
    }
    return reply;
  };
  const reply = async (
    request: IncomingMessage,
    body: OperationRequest,
    sent: DirectRequest,
    answered: Promise<void>,
  ): Promise<DirectReply> => {
    const { headers } = request;
    const session = await runner.http({
      requestId: headerOf(headers, REQUEST_ID_HEADER) ?? null,
      credentials: {
        authorization: headerOf(headers, "authorization"),
        actAsCustomer: headerOf(headers, ACT_AS_CUSTOMER_HEADER),
      },
      request: body,
      traceCarriers: [headers],
      answered,
    });
    const { refusal } = session;
    if (refusal !== undefined) {
      // Apollo answers its context function's refusal (http.ts: the error rebuilt with its
      // status) without any plugin hook.
      const { error } = refusal;
      const thrown = new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        extensions: error.extensions,
      });
      const reply = failed([thrown], false);
      reply.status = refusal.status;
      if (refusal.retryAfterSeconds !== undefined) {
        reply.headers.push(["retry-after", String(refusal.retryAfterSeconds)]);
      }
      return reply;
    }
    // The session answers now what it need not wait for: no turn of the microtask queue then.
    const found = session.document(session.trustedText ?? sent.query);
    const parsed = found instanceof Promise ? await found : found;
    if ("syntaxError" in parsed) {
      return failedInSession(session, [syntaxErrorAsApollo(parsed.syntaxError)]);
    }
    if ("validationErrors" in parsed) {
      const errors = parsed.validationErrors.map((error) =>
        validationErrorAsApollo(error, rules.hideSuggestions),
      );
      return failedInSession(session, errors);
    }
    const { document } = parsed;
    const { operationName, variables } = sent;
    try {
      const resolving = session.resolved({ document, operationName, variables });
      if (resolving !== undefined) await resolving;
    } catch (error) {
      return failedInSession(session, [ensureGraphQLError(error)]);
    }
    const refused = session.admissionRefusal();
    if (refused !== undefined) {
      const headers: [string, string][] =
        refused.retryAfterSeconds === undefined
          ? []
          : [["retry-after", String(refused.retryAfterSeconds)]];
      return ended(
        session,
        { status: refused.status, headers, noStore: true, errors: refused.errors },
        [],
      );
    }
    // A document without the operation asked for never gets here: admission refused it
    // (OPERATION_RESOLUTION_FAILURE), so Apollo's check for it after execution has no twin.
    session.executing();
    let result: ExecutionResult;
    try {
      result = await execute({
        schema: runner.schema,
        document,
        contextValue: session.context,
        variableValues: variables,
        operationName,
      });
    } catch (error) {
      return failedInSession(session, [ensureGraphQLError(error)]);
    }
    if (result.errors === undefined) {
      const reply: DirectReply = { status: 200, headers: [], noStore: true, data: result.data };
      if (result.extensions !== undefined) reply.extensions = result.extensions;
      return ended(session, reply, []);
    }
    const errors = executionErrorsAsApollo(result.errors);
    const { formatted, head } = formatErrorsAsApollo(errors, formatError);
    const status = head.status ?? (errors.length > 0 && result.data === undefined ? 400 : 200);
    const answer: DirectReply = {
      status,
      headers: head.headers,
      noStore: true,
      errors: formatted,
      data: result.data,
    };
    if (result.extensions !== undefined) answer.extensions = result.extensions;
    return ended(session, answer, errors);
  };
  return (request, response, body, head) => {
    if (!open()) return undefined;
    const sent = directRequestOf(request, body);
    if (sent === undefined) return undefined;
    let settle = () => {};
    const answered = new Promise<void>((resolve) => {
      settle = resolve;
    });
    return reply(request, body as OperationRequest, sent, answered)
      .catch((error: unknown) =>
        // What Apollo answers for a failure it catches: 500, masked, no plugin hook.
        failed([ensureGraphQLError(error, "Context creation failed: ")], false),
      )
      .then((answer) => {
        try {
          write(response, answer, sent.mediaType, head);
        } finally {
          // The operation's fair turn ends with its answer, whatever became of it.
          settle();
        }
      });
  };
}
