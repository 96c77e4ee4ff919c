import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap } from "@apollo/server";
import type { HttpRequestShape } from "./http.js";

/** Answers one GraphQL HTTP request whose body has been read (undefined: none). */
export type GraphqlHttpAnswer = (
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
) => Promise<void>;

/**
 * Apollo Server over a bare Node request, what `expressMiddleware` did without Express: the
 * request's method, headers (repeated ones joined with `, `), query string and read `body`
 * handed to `executeHTTPGraphQLRequest` (CSRF prevention, content negotiation, the landing page
 * and GET handling are Apollo's there), with `context` given the transport-neutral request; the
 * answer's status, headers and body written back (`Content-Length` on a complete body, chunks
 * flushed as they come otherwise); the request's `answered` settles once that is done (or failed).
 * Apollo must be started. Rejects only on a failure Apollo
 * itself does not answer, before anything was written.
 */
export function apolloNodeHttp<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  context: (argument: { req: HttpRequestShape }) => Promise<Context>,
): GraphqlHttpAnswer {
  apollo.assertStarted("apolloNodeHttp()");
  return async (request, response, body) => {
    const headers = new HeaderMap();
    for (const name in request.headers) {
      const value = request.headers[name];
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const url = request.url ?? "";
    const queryAt = url.indexOf("?");
    let settle = () => {};
    const shape: HttpRequestShape = {
      method: (request.method ?? "GET").toUpperCase(),
      headers: request.headers,
      body,
      search: queryAt === -1 ? "" : url.slice(queryAt),
      answered: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    try {
      const answer = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: shape.method, headers, search: shape.search, body },
        context: () => context({ req: shape }),
      });
      for (const [name, value] of answer.headers) response.setHeader(name, value);
      response.statusCode = answer.status ?? 200;
      if (answer.body.kind === "complete") {
        response.setHeader("content-length", Buffer.byteLength(answer.body.string));
        response.end(answer.body.string);
        return;
      }
      for await (const chunk of answer.body.asyncIterator) response.write(chunk);
      response.end();
    } finally {
      settle();
    }
  };
}
