/**
 * `npm run schema:breaking`: compares the printed schema (schema.graphql, generated) with the
 * last released one (schema.release.graphql, committed at each release) using GraphQL Inspector.
 * Prints every change; exits 1 when any is breaking for clients, so CI fails until the change is
 * made compatible (deprecate, then remove at a later release) or released on purpose by copying
 * schema.graphql over schema.release.graphql.
 */
import { readFileSync } from "node:fs";
import { CriticalityLevel, diff } from "@graphql-inspector/core";
import { buildSchema } from "graphql";

const read = (file: string) =>
  buildSchema(readFileSync(new URL(`../${file}`, import.meta.url), "utf8"));

const changes = await diff(read("schema.release.graphql"), read("schema.graphql"));
const breaking = changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking);
for (const change of changes) {
  process.stdout.write(`${change.criticality.level.padEnd(12)} ${change.message}\n`);
}
if (breaking.length > 0) {
  process.stderr.write(`\n${breaking.length} breaking change(s) against schema.release.graphql.\n`);
  process.exit(1);
}
process.stdout.write(
  `No breaking change against schema.release.graphql (${changes.length} change(s)).\n`,
);
