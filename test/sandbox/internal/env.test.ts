import { describe, expect, it } from "vitest";
import { optionsFromEnv } from "../../../src/sandbox/env.js";
import {
  DEFAULT_SANDBOX_PORT,
  SANDBOX_DEV_WEBHOOK_SECRET,
} from "../../../src/shared/sandbox-defaults.js";

describe("standalone sandbox configuration", () => {
  it("defaults to the shared port and dev secret, with no webhook destinations", () => {
    expect(optionsFromEnv({})).toEqual({
      port: DEFAULT_SANDBOX_PORT,
      host: "127.0.0.1",
      webhookUrls: [],
      webhookSecret: SANDBOX_DEV_WEBHOOK_SECRET,
      seedSize: 0,
    });
  });

  it("reads comma-separated URLs and the first of several secrets", () => {
    expect(
      optionsFromEnv({
        SANDBOX_PORT: "0",
        SANDBOX_HOST: "0.0.0.0",
        SANDBOX_WEBHOOK_URL: "http://127.0.0.1:4000/webhooks/stripe, https://example.com/hook",
        STRIPE_WEBHOOK_SECRET: "whsec_new,whsec_old",
        SANDBOX_SEED_SIZE: "5000",
      }),
    ).toEqual({
      port: 0,
      host: "0.0.0.0",
      webhookUrls: ["http://127.0.0.1:4000/webhooks/stripe", "https://example.com/hook"],
      webhookSecret: "whsec_new",
      seedSize: 5000,
    });
  });

  it.each([
    ["SANDBOX_PORT", "70000"],
    ["SANDBOX_PORT", "abc"],
    ["SANDBOX_HOST", "0.0.0.0/0"],
    ["SANDBOX_HOST", "http://sandbox"],
    ["SANDBOX_WEBHOOK_URL", "ftp://x"],
    ["SANDBOX_SEED_SIZE", "-1"],
    ["STRIPE_WEBHOOK_SECRET", "not-a-secret"],
  ])("stops on an invalid %s with a message naming it", (name, value) => {
    expect(() => optionsFromEnv({ [name]: value })).toThrow(name);
  });

  it("binds the interface SANDBOX_HOST names: a host name, an IPv4 or an IPv6 address", () => {
    expect(optionsFromEnv({ SANDBOX_HOST: "::" }).host).toBe("::");
    expect(optionsFromEnv({ SANDBOX_HOST: "sandbox.internal" }).host).toBe("sandbox.internal");
  });

  it("never prints the secret it refuses", () => {
    expect(() => optionsFromEnv({ STRIPE_WEBHOOK_SECRET: "hunter2-secret" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
  });
});
