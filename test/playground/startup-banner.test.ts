import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { startupBannerLines } from "../../src/startup-banner.js";

/** The banner of a gateway on :4000, with or without the sandbox panel. */
const bannerOf = (sandboxPanel: boolean) =>
  startupBannerLines({
    environment: "development",
    gatewayUrl: "http://127.0.0.1:4000",
    sandboxUrl: undefined,
    auth: loadConfig({}).auth,
    playground: true,
    sandboxPanel,
    webhookSecret: undefined,
  });

describe("start-up banner", () => {
  it("leads with the one URL to open when GraphiQL carries the sandbox panel", async () => {
    const lines = (await bannerOf(true)).filter((line) => line.trim() !== "");
    expect(lines[0]).toBe("  Open http://127.0.0.1:4000/graphiql");
  });

  it("does not offer the panel when it is off", async () => {
    const text = (await bannerOf(false)).join("\n");
    expect(text).not.toContain("Open ");
    expect(text).not.toContain("sandbox panel");
    expect(text).toContain("GraphiQL (self-hosted)      http://127.0.0.1:4000/graphiql");
  });
});
