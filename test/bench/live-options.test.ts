import { describe, expect, it } from "vitest";
import { readBurstOptions, readLiveOptions } from "../../bench/live/options.js";

describe("the live bench's Stripe limit setting", () => {
  it("lifts the gateway's Stripe limit in the live section unless told otherwise", () => {
    expect(readLiveOptions({}).stripeLimit).toBe("lifted");
    expect(readLiveOptions({ BENCH_LIVE_STRIPE_LIMIT: "default" }).stripeLimit).toBe("default");
    expect(readLiveOptions({ BENCH_LIVE_STRIPE_LIMIT: "50" }).stripeLimit).toBe(50);
    expect(readLiveOptions({}).idleBetweenRounds).toBe(false);
  });

  it("refuses a malformed limit, naming the variable", () => {
    expect(() => readLiveOptions({ BENCH_LIVE_STRIPE_LIMIT: "fast" })).toThrow(
      /BENCH_LIVE_STRIPE_LIMIT must be lifted, default or a whole number 1-100000, got "fast"/,
    );
    expect(() => readBurstOptions({ BENCH_BURST_STRIPE_LIMIT: "0" })).toThrow(
      /BENCH_BURST_STRIPE_LIMIT/,
    );
  });

  it("runs the burst as the ws layout at 1,000 subscribers over 100 customers, at the default limit, each round from an idle budget, without ingestion", () => {
    expect(readBurstOptions({})).toMatchObject({
      subscribers: 1_000,
      customers: 100,
      rounds: 3,
      layouts: ["ws"],
      stripeLimit: "default",
      idleBetweenRounds: true,
      ingestionSeconds: 0,
    });
    expect(readBurstOptions({ BENCH_BURST_STRIPE_LIMIT: "lifted" }).stripeLimit).toBe("lifted");
  });
});
