/**
 * The hostile floods of issue 20's review, as request builders: each flood is one kind of
 * request a single customer (or an anonymous caller) repeats to starve everyone else. Plain data
 * and pure functions, so the flood worker and the section's report share one definition.
 */

/** The floods the "hostile load" section runs, in order. */
export const FLOOD_KINDS = [
  "large-bodies",
  "distinct-documents",
  "miss-budget-ids",
  "validation-work",
] as const;

/** One flood kind. */
export type FloodKind = (typeof FLOOD_KINDS)[number];

/** What the flood's requests say of themselves in the report. */
export const FLOOD_DESCRIPTIONS: Record<FloodKind, string> = {
  "large-bodies":
    "anonymous 10 MB bodies to /graphql/stream (Accept: text/event-stream, application/json-patch+json)",
  "distinct-documents": "{ __typename } + a distinct 95 KB comment each, with a token",
  "miss-budget-ids": "nodes(ids: [100 unknown fcsess_ ids]), with a token",
  "validation-work": "141 x `accounts { nodes { id } }` (one field name, under the token limit)",
};

/** A request of a flood: where it goes and what it carries. */
export interface FloodRequest {
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

const LARGE_BODY = new Uint8Array(10 * 1024 * 1024).fill(0x20);
const COMMENT_BYTES = 95 * 1024;

/** `count` ids of `prefix` that no customer has, distinct per request `index`. */
function unknownIds(prefix: string, index: number, count: number): string[] {
  return Array.from({ length: count }, (_, n) => `${prefix}hostile${index}x${n}`);
}

/** A distinct comment of about COMMENT_BYTES for request `index`. */
function distinctComment(index: number): string {
  const line = `# flood ${index} ${"x".repeat(60)}\n`;
  return line.repeat(Math.ceil(COMMENT_BYTES / line.length));
}

/** The 47 ms validation document (on this machine, graphql-js 16): one field name repeated. */
export const VALIDATION_WORK_DOCUMENT = `{ ${"accounts { nodes { id } } ".repeat(141)}}`;

/**
 * The `index`-th request of flood `kind`, authorized by `authorization` (a bearer header value)
 * except for the anonymous body flood.
 */
export function floodRequest(kind: FloodKind, index: number, authorization: string): FloodRequest {
  const json = { "content-type": "application/json", authorization };
  switch (kind) {
    case "large-bodies":
      return {
        path: "/graphql/stream",
        headers: {
          "content-type": "application/json-patch+json",
          accept: "text/event-stream",
        },
        body: LARGE_BODY,
      };
    case "distinct-documents":
      return {
        path: "/graphql",
        headers: json,
        body: JSON.stringify({ query: `{ __typename }\n${distinctComment(index)}` }),
      };
    case "miss-budget-ids":
      return {
        path: "/graphql",
        headers: json,
        body: JSON.stringify({
          query: "query Flood($ids: [ID!]!) { nodes(ids: $ids) { id } }",
          variables: { ids: unknownIds("fcsess_", index, 100) },
        }),
      };
    case "validation-work":
      return {
        path: "/graphql",
        headers: json,
        body: JSON.stringify({ query: VALIDATION_WORK_DOCUMENT }),
      };
  }
}
