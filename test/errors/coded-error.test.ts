/**
 * `codedError` (src/errors/coded-error.ts) builds a deliberate refusal without a stack trace: a
 * client can send refused requests by the thousand (the hostile bench's flood of too-complex
 * documents), and capturing and formatting a stack for each was the largest single cost of its
 * refusal. `recoded` keeps the stack of the error it recodes.
 */
import { GraphQLError, parse } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { codedError, recoded } from "../../src/errors/coded-error.js";
import { createRefusedDocuments } from "../../src/pipeline/refused-documents.js";

const originalPrepare = Error.prepareStackTrace;
afterEach(() => {
  Error.prepareStackTrace = originalPrepare;
});

/** Counts the stacks V8 formats (it calls Error.prepareStackTrace for each) while `build` runs. */
function stacksFormattedBy(build: () => Error[]): { errors: Error[]; formatted: number } {
  let formatted = 0;
  Error.prepareStackTrace = (error, frames) => {
    formatted += 1;
    return originalPrepare ? originalPrepare(error, frames) : String(error);
  };
  const errors = build();
  for (const error of errors) void error.stack;
  Error.prepareStackTrace = originalPrepare;
  return { errors, formatted };
}

describe("codedError", () => {
  it("captures and formats no stack: the stack is the error's first line, the error as before", () => {
    const { errors, formatted } = stacksFormattedBy(() => [
      codedError("DOCUMENT_TOO_COMPLEX", "Too complex.", {
        extensions: { http: { status: 400 } },
      }),
      codedError("RATE_LIMITED", "Slow down.", { extensions: { retryAfter: 2 } }),
    ]);
    expect(formatted).toBe(0);
    expect(errors.map((error) => error.stack)).toEqual([
      "GraphQLError: Too complex.",
      "GraphQLError: Slow down.",
    ]);
    const [tooComplex, limited] = errors as [GraphQLError, GraphQLError];
    expect(tooComplex).toBeInstanceOf(GraphQLError);
    expect(tooComplex.toJSON()).toEqual({
      message: "Too complex.",
      extensions: { http: { status: 400 }, code: "DOCUMENT_TOO_COMPLEX" },
    });
    expect(limited.extensions).toEqual({ retryAfter: 2, code: "RATE_LIMITED" });
  });

  it("keeps the original's stack when it recodes an error", () => {
    let original: GraphQLError | undefined;
    try {
      parse("{");
    } catch (error) {
      original = error as GraphQLError;
    }
    const recodedError = recoded(original as GraphQLError, "GRAPHQL_PARSE_FAILED");
    expect(recodedError.stack).toBe(original?.stack);
    expect(recodedError.stack?.split("\n").length).toBeGreaterThan(1);
    expect(recodedError.extensions.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("recalls a remembered refusal without a stack, located in the text", () => {
    const refused = createRefusedDocuments("rules");
    const text = `{ ${"__typename ".repeat(3)}`;
    let parseError: GraphQLError | undefined;
    try {
      parse(text);
    } catch (error) {
      parseError = recoded(error as GraphQLError, "GRAPHQL_PARSE_FAILED");
    }
    refused.remember(text, parseError as GraphQLError, "GRAPHQL_PARSE_FAILED", 0);
    const { errors, formatted } = stacksFormattedBy(() => {
      const recalled = refused.recall(text);
      return recalled === undefined ? [] : [recalled.error];
    });
    expect(errors).toHaveLength(1);
    expect(formatted).toBe(0);
    expect((errors[0] as GraphQLError).toJSON()).toEqual((parseError as GraphQLError).toJSON());
  });
});
