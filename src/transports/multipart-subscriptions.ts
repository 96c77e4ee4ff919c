import type { RequestHandler, Response } from "express";
import type { ParseOptions } from "graphql";
import { ACT_AS_CUSTOMER_HEADER } from "../auth/viewer-from-request.js";
import type { OperationRequest } from "../pipeline/runner.js";
import { acceptsMultipartSubscription, namesSubscription } from "./multipart-routing.js";

import { REQUEST_ID_HEADER } from "./request-id.js";
import { endSlowStream } from "./slow-consumer.js";
import type { StreamedOperations, StreamItem } from "./streamed-operations.js";

/** The boundary between parts (Apollo's protocol: always `graphql`). */
const BOUNDARY = "graphql";
/** The answer's content type: multipart, with the protocol's version. */
export const MULTIPART_CONTENT_TYPE = `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`;
/** How often an idle stream sends an empty `{}` part, so proxies keep it open (Apollo: 5 s). */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** A stream of the one item a query (or a subscription that could not start) answers. */
function oneItem(item: StreamItem): AsyncIterableIterator<StreamItem> & {
  return(): Promise<IteratorResult<StreamItem>>;
} {
  const items = [item][Symbol.iterator]();
  const stream = {
    [Symbol.asyncIterator]: () => stream,
    next: async () => items.next(),
    return: async (): Promise<IteratorResult<StreamItem>> => ({ done: true, value: undefined }),
  };
  return stream;
}

/** One part: its headers, a blank line, its JSON; then the boundary that closes it. */
const part = (body: unknown) =>
  `\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(body)}\r\n--${BOUNDARY}`;

/** What each stream item is on the wire (`{payload}`, or a transport error with a null payload). */
const bodyOf = (item: StreamItem) =>
  item.kind === "result" ? { payload: item.result } : { payload: null, errors: [item.error] };

/** The refusal's answer, as GraphQL over HTTP gives it (Apollo's content negotiation). */
function answerRefusal(
  response: Response,
  accept: string,
  refusal: { status: number; errors: unknown[]; retryAfterSeconds?: number },
) {
  if (refusal.retryAfterSeconds !== undefined) {
    response.setHeader("retry-after", String(refusal.retryAfterSeconds));
  }
  const type = accept.includes("application/graphql-response+json")
    ? "application/graphql-response+json; charset=utf-8"
    : "application/json; charset=utf-8";
  response
    .status(refusal.status)
    .type(type)
    .send(JSON.stringify({ errors: refusal.errors }));
}

/**
 * Maps Apollo's multipart HTTP protocol for subscriptions onto the pipeline, through `streams`:
 * a POST to /graphql that accepts `multipart/mixed;subscriptionSpec="1.0"` and whose document is
 * a subscription (or that names a trusted document by id) is answered here (anything else goes on to Apollo Server, which serves no
 * subscriptions). The token is the `Authorization` header, as on HTTP. A refusal is answered as
 * HTTP answers it (status, `{errors}` masked, `Retry-After`); an admitted subscription answers
 * 200 `multipart/mixed;boundary="graphql";subscriptionSpec="1.0"`, each event a part
 * `{"payload": {data, errors, extensions}}`, a `{}` part every `heartbeatMs` (5 s), the end of
 * the stream the closing boundary `--graphql--`, after a `{"payload": null, "errors": [...]}`
 * part when the gateway ended it (an expired token; a reader that fell STREAM_MAX_PENDING_EVENTS
 * behind: SLOW_CONSUMER, written at once after what it has not read, then the closing boundary).
 * Each event is pulled once the previous part was written out. A client that goes away ends it too.
 */
export function multipartSubscriptions(
  streams: StreamedOperations,
  options: { parseOptions: ParseOptions; heartbeatMs?: number },
): RequestHandler {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS;
  return async (request, response, next) => {
    const accept = request.header("accept") ?? "";
    const body = (request.body ?? {}) as OperationRequest;
    if (
      request.method !== "POST" ||
      !acceptsMultipartSubscription(accept) ||
      !namesSubscription(body, options.parseOptions)
    ) {
      next();
      return;
    }
    try {
      const answer = await streams.start({
        onSlowConsumer: (last) => endSlowStream(response, `${part(bodyOf(last))}--\r\n`),
        transport: "multipart",
        requestId: request.header(REQUEST_ID_HEADER) ?? null,
        traceCarriers: [request.headers],
        credentials: {
          authorization: request.header("authorization"),
          actAsCustomer: request.header(ACT_AS_CUSTOMER_HEADER),
        },
        request: body,
      });
      if (answer.kind === "refused") {
        answerRefusal(response, accept, answer);
        return;
      }
      const items =
        answer.kind === "stream"
          ? answer.items
          : oneItem({ kind: "result", result: answer.result } as StreamItem);
      // A client that left while the operation was admitted gets no stream.
      if (response.destroyed || request.socket.destroyed) {
        await items.return();
        return;
      }
      response.on("close", () => void items.return());
      response.writeHead(200, {
        "content-type": MULTIPART_CONTENT_TYPE,
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      response.write(`\r\n--${BOUNDARY}`);
      // A heartbeat only when nothing waits to be written: a reader that does not read gets none.
      const heartbeat = setInterval(() => {
        if (response.writable && response.writableLength === 0) response.write(part({}));
      }, heartbeatMs);
      try {
        for await (const item of items) {
          if (!response.writable || response.writableEnded) break;
          // The next event is pulled once this one is written out: a reader that does not read
          // leaves events waiting in its subscription's bounded queue, not in this answer.
          await new Promise<void>((resolve) => response.write(part(bodyOf(item)), () => resolve()));
        }
      } finally {
        clearInterval(heartbeat);
      }
      if (!response.writableEnded) response.end("--\r\n");
    } catch (error) {
      next(error);
    }
  };
}
