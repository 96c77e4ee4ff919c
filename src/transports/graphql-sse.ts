import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import { parse as parseQueryString } from "node:querystring";
import type { ExecutionResult } from "graphql";
import { createHandler, print } from "graphql-sse";
import { ACT_AS_CUSTOMER_HEADER } from "../auth/viewer-from-request.js";
import { mapStream, type OperationRequest } from "../pipeline/runner.js";
import { sendError } from "./error-answers.js";
import { flattenHeaderBlock } from "./flat-header.js";
import { type HeaderList, headerLine, setHeaders } from "./header-list.js";
import { REQUEST_ID_HEADER } from "./request-id.js";
import { endSlowStream } from "./slow-consumer.js";
import {
  LAST_EVENT_ID_HEADER,
  lastEventId,
  type SseNextEvents,
  sseNextEvents,
} from "./sse-event-ids.js";
import { writeEvents } from "./sse-writer.js";
import type { StreamedOperations, StreamItem } from "./streamed-operations.js";

/** Where GraphQL over Server-Sent Events is served. */
export const SSE_PATH = "/graphql/stream";

/** An item of the stream as graphql-sse sends it: an answer, or the error that ended it. */
const asResult = (item: StreamItem) =>
  (item.kind === "result" ? item.result : { errors: [item.error] }) as ExecutionResult;

/** What graphql-sse's handler is given of a request beside the request itself. */
interface SseRequestContext {
  response: ServerResponse;
  /** The request's JSON body as read (undefined without one). */
  body: unknown;
  /** The stream's `next` events once its operation streams (sseNextEvents). */
  events?: SseNextEvents;
}

/** The `documentId` a client sent (the client preset's shape): GET params or the JSON body. */
function documentIdOf(request: IncomingMessage, body: unknown): unknown {
  if (request.method !== "GET") {
    return typeof body === "object" && body !== null
      ? (body as { documentId?: unknown }).documentId
      : undefined;
  }
  const url = request.url ?? "";
  const queryAt = url.indexOf("?");
  // Express's `req.query` of before (its default "simple" parser is node:querystring's).
  return queryAt === -1 ? undefined : parseQueryString(url.slice(queryAt + 1)).documentId;
}

/**
 * Answers one request on the SSE route: see graphqlSseAnswer. `headers` are the route's headers
 * not yet set on `response` (cross-origin, request id, security headers), written with the answer.
 */
export type SseAnswer = (
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
  headers: HeaderList,
) => Promise<void>;

/**
 * Maps GraphQL over Server-Sent Events (The Guild's graphql-sse, its distinct-connections mode:
 * one `text/event-stream` request per operation) onto the pipeline, through `streams`, on a bare
 * Node request whose JSON body (`body`, undefined without one) the caller has read: the token
 * is the request's `Authorization` header (and `X-Act-As-Customer`), GET or POST params are the
 * operation (a trusted document by id with an empty `query`, as on graphql-ws). A refusal is
 * answered as HTTP answers it (its status, `{errors}` masked,
 * `Retry-After`), before the stream opens; an admitted operation streams its answers as `next`
 * events and then `complete`; a token that expires ends it with an UNAUTHENTICATED `next`. The
 * single-connection mode (reservations by PUT) is off. A request that does not accept
 * `text/event-stream` is answered 406 with a JSON error; a mutation over GET 405. An event is
 * pulled from graphql-sse once the previous one is written out; a reader that falls
 * STREAM_MAX_PENDING_EVENTS behind gets a SLOW_CONSUMER `next` and `complete`, then the stream ends.
 * Each subscription event is sent with its cursor as the SSE `id:`, and a request's
 * `Last-Event-ID` resumes the subscription after it; an event resolved alike for many streams is
 * serialised once for all of them (`sseNextEvents`). A client that goes away stops its operation.
 * Rejects on a failure of graphql-sse or of the writing (the caller answers it, or closes the
 * connection when the answer has begun).
 */
export function graphqlSseAnswer(streams: StreamedOperations): SseAnswer {
  const handler = createHandler<IncomingMessage, SseRequestContext>({
    // No stream token: every operation has its own event stream (distinct connections).
    authenticate: () => null,
    onSubscribe: async (req, params) => {
      const raw = req.raw;
      const { response } = req.context;
      // graphql-sse keeps query, operationName, variables and extensions: a trusted document's
      // `documentId` is read from the request itself.
      const documentId = documentIdOf(raw, req.context.body);
      const resumeAfter = lastEventId(raw.headers[LAST_EVENT_ID_HEADER]);
      const answer = await streams.start({
        onSlowConsumer: (last) =>
          endSlowStream(
            response,
            `${print({ event: "next", data: asResult(last) })}${print({ event: "complete", data: null })}`,
          ),
        transport: "sse",
        requestId: headerOf(raw, REQUEST_ID_HEADER) ?? null,
        traceCarriers: [raw.headers],
        credentials: {
          authorization: headerOf(raw, "authorization"),
          actAsCustomer: headerOf(raw, ACT_AS_CUSTOMER_HEADER),
        },
        request: {
          ...params,
          ...(documentId === undefined ? {} : { documentId }),
        } as OperationRequest,
        readOnly: raw.method === "GET",
        ...(resumeAfter === undefined ? {} : { resumeAfter }),
      });
      if (answer.kind === "single") return answer.result as ExecutionResult;
      if (answer.kind === "stream") {
        const events = sseNextEvents();
        req.context.events = events;
        return mapStream(answer.items, (item) =>
          events.message(item.kind === "result" ? item.result : { errors: [item.error] }),
        );
      }
      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
      if (answer.retryAfterSeconds !== undefined) {
        headers["retry-after"] = String(answer.retryAfterSeconds);
      }
      return [
        JSON.stringify({ errors: answer.errors }),
        { status: answer.status, statusText: STATUS_CODES[answer.status] ?? "", headers },
      ];
    },
  });
  return async (request, response, body, headers) => {
    // graphql-sse streams only to this exact Accept (what its client and EventSource send).
    if (request.headers.accept !== "text/event-stream") {
      setHeaders(response, headers);
      sendError(
        response,
        406,
        "BAD_REQUEST",
        `${SSE_PATH} serves GraphQL over Server-Sent Events: send \`Accept: text/event-stream\`.`,
      );
      return;
    }
    const context: SseRequestContext = { response, body };
    const [answer, init] = await handler({
      method: request.method ?? "GET",
      url: request.url ?? "",
      headers: { get: (key) => headerOf(request, key) },
      // As graphql-sse's Express adapter took a body read by middleware: none is an empty text
      // (refused as JSON, as before).
      body: () => (body ?? "") as string | Record<PropertyKey, unknown>,
      raw: request,
      context,
    });
    response.writeHead(init.status, init.statusText, headerLine(headers, init.headers));
    if (answer === null || typeof answer === "string") {
      response.end(answer);
      return;
    }
    flattenHeaderBlock(response);
    return writeEvents(response, answer, (event) => context.events?.outgoing(event) ?? event);
  };
}

/** A request header as one string (repeated ones joined by a line break, as graphql-sse's adapters do). */
function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join("\n") : value;
}
