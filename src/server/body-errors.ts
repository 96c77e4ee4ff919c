import type { ErrorRequestHandler } from "express";
import { answerBodyError, describeBodyError } from "../transports/error-answers.js";

/**
 * Answers body-reading failures of the GraphQL endpoint (body over the limit: 413; unsupported
 * content-encoding or charset: 415; malformed JSON or a corrupt gzip stream: 400) as a GraphQL
 * error response with code BAD_REQUEST, instead of Express's default HTML page, which shows the
 * stack trace whenever Express does not think it runs in production. Any other error is passed on.
 */
export function bodyErrorHandler(): ErrorRequestHandler {
  return (error: unknown, _request, response, next) => {
    if (response.headersSent || describeBodyError(error) === undefined) {
      next(error);
      return;
    }
    answerBodyError(response, error, "graphql");
  };
}
