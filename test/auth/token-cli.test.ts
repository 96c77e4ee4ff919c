import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { seededCustomers } from "../support/sandbox-control.js";

const run = promisify(execFile);
const CLI = ["--import", "tsx", "src/auth/token-cli.ts"];
const ROOT = new URL("../../", import.meta.url).pathname;

async function token(customerId: string, env: Record<string, string> = {}, args: string[] = []) {
  const { stdout } = await run(process.execPath, [...CLI, customerId, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  return stdout.trim();
}

describe("npm run token", () => {
  let stack: TestStack;
  let secretStack: TestStack;
  const SECRET = "a-team-secret-that-is-at-least-32-chars";
  beforeAll(async () => {
    stack = await startStack();
    secretStack = await startStack({ env: { AUTH_JWT_SECRET: SECRET } });
  });
  afterAll(async () => {
    await stack.close();
    await secretStack.close();
  });

  it("prints a token signed with the dev secret that a default gateway accepts", async () => {
    const [alice] = await seededCustomers(stack);
    const bearer = await token(alice?.id ?? "");
    const response = await graphql(stack, "{ accounts { nodes { id } } }", {}, undefined, {
      authorization: `Bearer ${bearer}`,
    });
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });

  it("signs with AUTH_JWT_SECRET when set, matching a gateway started with it (and not the default one)", async () => {
    const [alice] = await seededCustomers(secretStack);
    const bearer = await token(alice?.id ?? "", { AUTH_JWT_SECRET: SECRET });
    const headers = { authorization: `Bearer ${bearer}` };
    expect(
      (await graphql(secretStack, "{ accounts { nodes { id } } }", {}, undefined, headers)).status,
    ).toBe(200);
    expect(
      (await graphql(stack, "{ accounts { nodes { id } } }", {}, undefined, headers)).status,
    ).toBe(401);
  });

  it("refuses a malformed customer id", async () => {
    await expect(token("alice")).rejects.toMatchObject({ code: 2 });
  });

  it("refuses a --ttl over AUTH_MAX_TOKEN_AGE (the gateway would refuse the token), naming it", async () => {
    await expect(token("cus_abc", {}, ["--ttl", "86401"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("AUTH_MAX_TOKEN_AGE"),
    });
    const bearer = await token("cus_abc", { AUTH_MAX_TOKEN_AGE: "172800" }, ["--ttl", "86401"]);
    expect(bearer.split(".")).toHaveLength(3);
  });

  it("refuses to sign with the dev secret next to a live Stripe key", async () => {
    await expect(
      token("cus_abc", { STRIPE_SECRET_KEY: "sk_live_abc123", STRIPE_WEBHOOK_SECRET: "whsec_x" }),
    ).rejects.toMatchObject({ code: 2 });
  });
});

describe("the dev secret and live keys", () => {
  it("the gateway refuses to start on the dev secret with a live Stripe key", () => {
    expect(() =>
      loadConfig({ STRIPE_SECRET_KEY: "sk_live_abc123", STRIPE_WEBHOOK_SECRET: "whsec_live" }),
    ).toThrow(/AUTH_JWT_SECRET/);
  });

  it("refuses the dev secret even when set explicitly with a live key", async () => {
    const { DEV_JWT_SECRET } = await import("../../src/config/auth-dev-defaults.js");
    expect(() =>
      loadConfig({
        STRIPE_SECRET_KEY: "sk_live_abc123",
        STRIPE_WEBHOOK_SECRET: "whsec_live",
        AUTH_JWT_SECRET: DEV_JWT_SECRET,
      }),
    ).toThrow(/dev secret is refused/);
  });
});
