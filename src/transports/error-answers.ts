import type { ServerResponse } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "../observability/logger.js";

/**
 * The body of every error answer outside GraphQL (GraphQL answers `{errors: [{message,
 * extensions: {code}}]}`): a stable `code` clients may switch on and a message safe to show.
 */
export interface ErrorAnswer {
  error: { code: string; message: string };
}

/**
 * Writes `body` as JSON with `status`: the one way every error answer is written, on the lean
 * GraphQL route (no Express) and on Express's routes alike.
 */
export function writeJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader("content-type", "application/json; charset=utf-8");
  response.setHeader("content-length", Buffer.byteLength(text));
  response.end(text);
}

/** Answers `status` with the plain JSON error shape (`{error: {code, message}}`). */
export function sendError(response: ServerResponse, status: number, code: string, message: string) {
  const body: ErrorAnswer = { error: { code, message } };
  writeJson(response, status, body);
}

/**
 * Answers a request-body failure (describeBodyError) with its status: in the GraphQL shape
 * (`{errors: [{message, extensions: {code: "BAD_REQUEST"}}]}`) on a GraphQL route, else the plain
 * one. False, nothing written, for any other error.
 */
export function answerBodyError(
  response: ServerResponse,
  error: unknown,
  shape: "graphql" | "plain",
): boolean {
  const bodyError = describeBodyError(error);
  if (bodyError === undefined) return false;
  if (shape === "plain") sendError(response, bodyError.status, "BAD_REQUEST", bodyError.message);
  else {
    writeJson(response, bodyError.status, {
      errors: [{ message: bodyError.message, extensions: { code: "BAD_REQUEST" } }],
    });
  }
  return true;
}

/**
 * Answers anything unexpected before the answer began: logged here with its stack, a 500
 * `INTERNAL_SERVER_ERROR` with a fixed message.
 */
export function answerUnexpected(
  response: ServerResponse,
  error: unknown,
  logger: Logger,
  where: { method: string | undefined; path: string },
): void {
  logger.error({ err: error, method: where.method, path: where.path }, "unhandled error");
  sendError(response, 500, "INTERNAL_SERVER_ERROR", "Unexpected error.");
}

/** What body-parser (and http-errors) attach to the errors they raise. */
type HttpErrorShape = { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown };

/** Client-safe messages for body-parser's error types. */
const BODY_ERROR_MESSAGES: Record<string, string> = {
  "entity.too.large": "The request body is too large.",
  "entity.parse.failed": "The request body is not valid JSON.",
  "encoding.unsupported": "The request body's content-encoding is not supported.",
  "charset.unsupported": "The request body's charset is not supported.",
  "media.unsupported":
    "The request body's content type is not accepted here: send application/json.",
};

/**
 * The client's share of a request-body failure (body too large: 413; unsupported
 * content type, content-encoding or charset: 415; malformed JSON, a corrupt gzip or deflate stream, an aborted
 * upload: 400), with a message of our own that names no internals; undefined for any other error.
 */
export function describeBodyError(error: unknown): { status: number; message: string } | undefined {
  const shape = (typeof error === "object" && error !== null ? error : {}) as HttpErrorShape;
  const status = typeof shape.status === "number" ? shape.status : shape.statusCode;
  if (typeof status !== "number" || status < 400 || status > 499) return undefined;
  // http-errors marks every 4xx it creates as exposable; a decompression failure has no type.
  if (typeof shape.type !== "string" && shape.expose !== true) return undefined;
  const known = typeof shape.type === "string" ? BODY_ERROR_MESSAGES[shape.type] : undefined;
  return { status, message: known ?? "The request body could not be read." };
}

/** The last route: any request nothing else answered gets a JSON 404 `NOT_FOUND`. */
export function notFoundHandler(): RequestHandler {
  return (_request, response) => {
    sendError(response, 404, "NOT_FOUND", "No route matches this method and path.");
  };
}

/** Error codes of a client that went away while its answer was being written. */
const CLIENT_GONE = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_WRITE_AFTER_END",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** True for the error of writing to a client that closed or reset its connection. */
export const isClientGone = (error: unknown) =>
  typeof error === "object" &&
  error !== null &&
  CLIENT_GONE.has(String((error as { code?: unknown }).code));

/**
 * Ends an answer that had begun (a stream) when it fails: the connection is closed; a client that
 * went away (isClientGone) is logged at debug, any other failure as an error.
 */
export function closeAfterFailure(
  response: ServerResponse,
  error: unknown,
  logger: Logger,
  where: { method: string | undefined; path: string },
): void {
  if (isClientGone(error)) {
    logger.debug({ code: (error as { code: string }).code, path: where.path }, "client gone");
  } else {
    logger.error(
      { err: error, method: where.method, path: where.path },
      "error after the answer began",
    );
  }
  response.destroy();
}

/**
 * The last error handler, so that Express's HTML error page (with its stack trace outside
 * production) is never sent: a request-body failure answers its 4xx with `BAD_REQUEST`, anything
 * else a 500 `INTERNAL_SERVER_ERROR` with a fixed message, logged here with its stack. When the
 * answer has already begun (a stream), the connection is closed: a client that went away
 * (isClientGone) is logged at debug, any other failure as an error; nothing reaches Express's
 * own handler, which prints to the console.
 */
export function finalErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    if (response.headersSent) {
      closeAfterFailure(response, error, logger, { method: request.method, path: request.path });
      return;
    }
    if (answerBodyError(response, error, "plain")) return;
    answerUnexpected(response, error, logger, { method: request.method, path: request.path });
  };
}
