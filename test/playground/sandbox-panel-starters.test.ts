import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import manifest from "../../examples/gql/persisted-documents.json" with { type: "json" };
import { starterOperations } from "../../src/playground/panel/starter-operations.js";
import { buildGatewaySchema } from "../../src/server/schema.js";

describe("the sandbox panel's starter operations", () => {
  const schema = buildGatewaySchema();
  const starters = starterOperations(schema);

  it("are the examples' dashboard query, relink mutation and outcome query, as examples/ has them", () => {
    const examples = new Set(Object.values(manifest).map((text) => print(text)));
    for (const name of ["AccountHealth", "CreateRelinkSession", "RelinkOutcome"]) {
      const starter = starters.find((candidate) => candidate.name === name);
      expect(starter, name).toBeDefined();
      expect(examples.has(print(starter?.document ?? "")), name).toBe(true);
    }
    expect(starters.find((starter) => starter.name === "CreateRelinkSession")?.variables).toEqual([
      "accountId",
    ]);
  });

  it("offer one subscription per Subscription field, each valid against the gateway's schema", () => {
    const fields = Object.keys(schema.getSubscriptionType()?.getFields() ?? {});
    expect(fields).toContain("accountDeactivated");
    const subscriptions = starters.filter((starter) => starter.kind === "subscription");
    expect(subscriptions.map((starter) => starter.label)).toEqual(fields);
    for (const starter of starters) {
      expect(validate(schema, parse(starter.document)), starter.name).toEqual([]);
    }
    // The example's own subscription is offered as it is.
    const deactivated = subscriptions.find((starter) => starter.label === "accountDeactivated");
    expect(deactivated?.name).toBe("AccountDeactivated");
  });
});

/** A document in one canonical printing, to compare texts printed differently. */
function print(text: string): string {
  return JSON.stringify(parse(text, { noLocation: true }));
}
