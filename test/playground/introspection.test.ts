import { readFileSync } from "node:fs";
import { generate } from "@graphql-codegen/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack } from "../support/gateway.js";

const COMMITTED = readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8");
/** The committed file without its generated-by header line. */
const committedSdl = COMMITTED.split("\n").slice(1).join("\n").trim();

describe("introspection by a third-party client", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it("graphql-codegen pointed at the running server's URL reproduces the committed schema.graphql", async () => {
    const [output] = await generate(
      {
        schema: `${stack.gateway.url}/graphql`,
        silent: true,
        generates: {
          "introspected.graphql": {
            plugins: ["schema-ast"],
            config: { includeDirectives: false, sort: true, commentDescriptions: false },
          },
        },
      },
      false,
    );
    expect(output?.content.trim()).toBe(committedSdl);
    // The comparison is not vacuous: the schema carries the mission's names and descriptions.
    expect(committedSdl).toContain("type Account implements Node");
    expect(committedSdl).toContain("accountDeactivated(");
    expect(committedSdl).toContain('"""');
  });
});
