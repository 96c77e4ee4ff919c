/**
 * Read-model lookups are tallied in the process and added to the counter when the registry is
 * read (src/observability/metrics.ts, countLookup): every lookup counted shows in the next
 * scrape, under its labels, once.
 */
import { describe, expect, it } from "vitest";
import { createGatewayMetrics } from "../../src/observability/metrics.js";

const sampleOf = (text: string, labels: string) => {
  const prefix = `fc_gateway_read_model_lookups_total${labels} `;
  const line = text.split("\n").find((entry) => entry.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
};

describe("read-model lookup counts", () => {
  it("show every lookup counted, by kind and outcome, in each scrape once", async () => {
    const metrics = createGatewayMetrics();
    for (let i = 0; i < 3; i++) metrics.countLookup("authorization", "hit");
    metrics.countLookup("accounts", "stale");

    const first = await metrics.registry.metrics();
    expect(sampleOf(first, '{kind="authorization",outcome="hit"}')).toBe(3);
    expect(sampleOf(first, '{kind="accounts",outcome="stale"}')).toBe(1);

    metrics.countLookup("authorization", "hit");
    const second = await metrics.registry.metrics();
    expect(sampleOf(second, '{kind="authorization",outcome="hit"}')).toBe(4);
    expect(sampleOf(second, '{kind="accounts",outcome="stale"}')).toBe(1);
    expect((await metrics.readModelLookups.get()).values).toHaveLength(2);
  });
});
