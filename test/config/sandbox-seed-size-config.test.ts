import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { optionsFromEnv, SandboxEnvError } from "../../src/sandbox/env.js";
import { MAX_SANDBOX_SEED_SIZE } from "../../src/shared/sandbox-defaults.js";

describe("SANDBOX_SEED_SIZE: one bound for the embedded and the standalone sandbox", () => {
  const atMost = String(MAX_SANDBOX_SEED_SIZE);
  const over = String(MAX_SANDBOX_SEED_SIZE + 1);

  it("the gateway (embedded sandbox) accepts the bound and refuses one more", () => {
    expect(loadConfig({ SANDBOX_SEED_SIZE: atMost }).sandbox.seedSize).toBe(MAX_SANDBOX_SEED_SIZE);
    expect(() => loadConfig({ SANDBOX_SEED_SIZE: over })).toThrow(ConfigError);
  });

  it("the standalone sandbox accepts the same bound and refuses one more", () => {
    expect(optionsFromEnv({ SANDBOX_SEED_SIZE: atMost }).seedSize).toBe(MAX_SANDBOX_SEED_SIZE);
    expect(() => optionsFromEnv({ SANDBOX_SEED_SIZE: over })).toThrow(SandboxEnvError);
  });
});
