/** A single result's media type as JSON, Apollo Server's default. */
export const JSON_MEDIA_TYPE = "application/json; charset=utf-8";
/** A single result's media type as GraphQL over HTTP's `application/graphql-response+json`. */
export const GRAPHQL_RESPONSE_MEDIA_TYPE = "application/graphql-response+json; charset=utf-8";

/**
 * `Accept` headers common clients send, and the media type Apollo Server 5 answers a single
 * result with for each (its negotiation between JSON and `application/graphql-response+json`,
 * `chooseContentTypeForSingleResultResponse`): fetch and Apollo Client 3 (any), Apollo Client 4
 * and graphql-request (the GraphQL-over-HTTP media type first), axios. Pinned against Apollo's
 * own answers by test/transports/direct-http-parity.test.ts.
 */
const KNOWN_ACCEPT: ReadonlyMap<string, string> = new Map([
  ["*/*", JSON_MEDIA_TYPE],
  ["application/json", JSON_MEDIA_TYPE],
  ["application/json, text/plain, */*", JSON_MEDIA_TYPE],
  ["application/graphql-response+json", GRAPHQL_RESPONSE_MEDIA_TYPE],
  ["application/graphql-response+json, application/json", GRAPHQL_RESPONSE_MEDIA_TYPE],
  ["application/graphql-response+json,application/json;q=0.9", GRAPHQL_RESPONSE_MEDIA_TYPE],
  ["application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_MEDIA_TYPE],
]);

/**
 * The media type Apollo Server would answer a single result with for this `Accept` header
 * (none or empty: JSON), when it is one of the common ones above; undefined for any other
 * header, whose negotiation (and 406 when nothing fits) is left to Apollo itself.
 */
export function singleResultMediaType(accept: string | undefined): string | undefined {
  if (accept === undefined || accept === "") return JSON_MEDIA_TYPE;
  return KNOWN_ACCEPT.get(accept);
}
