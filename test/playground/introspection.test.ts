import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generate } from "@graphql-codegen/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack } from "../support/gateway.js";

const COMMITTED_URL = new URL("../../schema.graphql", import.meta.url);
const COMMITTED = readFileSync(COMMITTED_URL, "utf8");

/**
 * The schema at `schema` (a URL or a file) printed as a client's tooling prints an introspected
 * one: without applied directives, which introspection does not carry.
 */
async function printedAsIntrospected(schema: string): Promise<string> {
  const [output] = await generate(
    {
      schema,
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
  return output?.content.trim() ?? "";
}

describe("introspection by a third-party client", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it("graphql-codegen pointed at the running server's URL reproduces the committed schema.graphql, but for the cost annotations", async () => {
    const introspected = await printedAsIntrospected(`${stack.gateway.url}/graphql`);
    expect(introspected).toBe(await printedAsIntrospected(fileURLToPath(COMMITTED_URL)));
    // The comparison is not vacuous: the schema carries the mission's names and descriptions.
    expect(introspected).toContain("type Account implements Node");
    expect(introspected).toContain("accountDeactivated(");
    expect(introspected).toContain('"""');
    // Introspection names the cost directives; the committed file also says where they apply.
    expect(introspected).toContain("directive @cost(");
    expect(introspected).not.toContain("@cost(weight:");
    expect(COMMITTED).toContain(
      '): AccountConnection! @cost(weight: 10) @listSize(slicingArguments: ["first"]',
    );
  });
});
