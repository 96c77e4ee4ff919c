import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { startupBannerText } from "../../src/startup-banner.js";
import { waitFor } from "../support/wait.js";

const base = {
  sandboxPanel: false,
  gatewayUrl: "http://127.0.0.1:4000",
  sandboxUrl: undefined,
  webhookSecret: undefined,
};

describe("the start-up banner says which mode the gateway runs in", () => {
  it("development: says so plainly, and how to get production", async () => {
    const text = await startupBannerText({
      ...base,
      environment: "development",
      auth: loadConfig({}).auth,
      playground: true,
    });
    expect(text).toContain(
      "Mode                        DEVELOPMENT (NODE_ENV=development, not production)",
    );
    expect(text).toContain("set NODE_ENV=production for production");
  });

  it("production: says production, and nothing of development", async () => {
    const auth = loadConfig({ AUTH_JWT_SECRET: "a-production-secret-of-at-least-32-chars" }).auth;
    const text = await startupBannerText({
      ...base,
      environment: "production",
      auth,
      playground: false,
    });
    expect(text).toContain("Mode                        production (NODE_ENV=production)");
    expect(text).not.toMatch(/development/i);
  });

  describe("the gateway's entry started without NODE_ENV (what `npm run start:prod` runs, built)", () => {
    let gateway: ChildProcess | undefined;
    afterAll(async () => {
      if (gateway && gateway.exitCode === null) {
        const exited = new Promise((resolve) => gateway?.once("exit", resolve));
        gateway.kill("SIGTERM");
        await exited;
      }
    }, 30_000);

    it("prints DEVELOPMENT in its banner", async () => {
      const { NODE_ENV: _unset, ...env } = process.env;
      let stdout = "";
      gateway = spawn("node_modules/.bin/tsx", ["src/main.ts"], {
        env: { ...env, PORT: "0", SANDBOX_PORT: "0", LOG_LEVEL: "warn" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      gateway.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
      });
      const mode = await waitFor(
        () => /^ {2}Mode +(.*)$/m.exec(stdout)?.[1],
        "the banner's mode line",
        30_000,
      );
      expect(mode).toBe("DEVELOPMENT (NODE_ENV=development, not production):");
    }, 40_000);
  });
});
