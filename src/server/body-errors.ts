import type { ErrorRequestHandler } from "express";

/** What body-parser attaches to the errors it raises (e.g. 413 `entity.too.large`). */
type BodyParserError = Error & { status?: unknown; type?: unknown };

/**
 * Answers body-parsing failures of the GraphQL endpoint (malformed JSON: 400, body over the
 * limit: 413) as a GraphQL error response with code BAD_REQUEST, instead of Express's default
 * HTML page, which shows the stack trace whenever Express does not think it runs in production.
 * Any other error is passed on.
 */
export function bodyErrorHandler(): ErrorRequestHandler {
  return (error: BodyParserError, _request, response, next) => {
    const status = typeof error.status === "number" ? error.status : undefined;
    if (typeof error.type !== "string" || status === undefined || status < 400 || status > 499) {
      next(error);
      return;
    }
    const message =
      status === 413 ? "The request body is too large." : "The request body is not valid JSON.";
    response.status(status).json({ errors: [{ message, extensions: { code: "BAD_REQUEST" } }] });
  };
}
