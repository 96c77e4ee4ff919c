import { type ServerResponse, STATUS_CODES } from "node:http";
import type { RequestHandler } from "express";
import type { ExecutionResult } from "graphql";
import { print } from "graphql-sse";
import { createHandler } from "graphql-sse/lib/use/express";
import { ACT_AS_CUSTOMER_HEADER } from "../auth/viewer-from-request.js";
import { mapStream, type OperationRequest } from "../pipeline/runner.js";
import { sendError } from "./error-answers.js";
import { REQUEST_ID_HEADER } from "./request-id.js";
import { endSlowStream } from "./slow-consumer.js";
import { LAST_EVENT_ID_HEADER, lastEventId, sseNextEvents } from "./sse-event-ids.js";
import type { StreamedOperations, StreamItem } from "./streamed-operations.js";

/** Where GraphQL over Server-Sent Events is served. */
export const SSE_PATH = "/graphql/stream";

/** An item of the stream as graphql-sse sends it: an answer, or the error that ended it. */
const asResult = (item: StreamItem) =>
  (item.kind === "result" ? item.result : { errors: [item.error] }) as ExecutionResult;

/**
 * Maps GraphQL over Server-Sent Events (The Guild's graphql-sse, its distinct-connections mode:
 * one `text/event-stream` request per operation) onto the pipeline, through `streams`: the token
 * is the request's `Authorization` header (and `X-Act-As-Customer`), GET or POST params are the
 * operation (a trusted document by id with an empty `query`, as on graphql-ws). A refusal is
 * answered as HTTP answers it (its status, `{errors}` masked,
 * `Retry-After`), before the stream opens; an admitted operation streams its answers as `next`
 * events and then `complete`; a token that expires ends it with an UNAUTHENTICATED `next`. The
 * single-connection mode (reservations by PUT) is off. A request that does not accept
 * `text/event-stream` is answered 406 with a JSON error; a mutation over GET 405. graphql-sse
 * pulls an event once the previous one is written out; a reader that falls
 * STREAM_MAX_PENDING_EVENTS behind gets a SLOW_CONSUMER `next` and `complete`, then the stream ends.
 * Each subscription event is sent with its cursor as the SSE `id:`, and a request's
 * `Last-Event-ID` resumes the subscription after it; an event resolved alike for many streams is
 * serialised once for all of them (`sseNextEvents`).
 */
export function graphqlSseRoute(streams: StreamedOperations): RequestHandler {
  const handler = createHandler({
    // No stream token: every operation has its own event stream (distinct connections).
    authenticate: () => null,
    onSubscribe: async (req, params) => {
      const raw = req.raw;
      // graphql-sse keeps query, operationName, variables and extensions: a trusted document's
      // `documentId` (the client preset's shape) is read from the request itself.
      const sent = (raw.method === "GET" ? raw.query : raw.body) as { documentId?: unknown } | null;
      const documentId = sent?.documentId;
      const response = (req.context as { res: ServerResponse }).res;
      const resumeAfter = lastEventId(raw.headers[LAST_EVENT_ID_HEADER]);
      const answer = await streams.start({
        onSlowConsumer: (last) =>
          endSlowStream(
            response,
            `${print({ event: "next", data: asResult(last) })}${print({ event: "complete", data: null })}`,
          ),
        transport: "sse",
        requestId: raw.header(REQUEST_ID_HEADER) ?? null,
        traceCarriers: [raw.headers],
        credentials: {
          authorization: raw.header("authorization"),
          actAsCustomer: raw.header(ACT_AS_CUSTOMER_HEADER),
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
        const events = sseNextEvents(response);
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
  return async (request, response, next) => {
    // graphql-sse streams only to this exact Accept (what its client and EventSource send).
    if (request.header("accept") !== "text/event-stream") {
      sendError(
        response,
        406,
        "BAD_REQUEST",
        `${SSE_PATH} serves GraphQL over Server-Sent Events: send \`Accept: text/event-stream\`.`,
      );
      return;
    }
    try {
      await handler(request, response);
    } catch (error) {
      next(error);
    }
  };
}
