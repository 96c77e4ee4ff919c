import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { seededCustomers } from "../support/sandbox-control.js";

let jwksServer: Server;
let stack: TestStack;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let privateKey: PrivateKey;
let customerId: string;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  jwksServer = createServer((_request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  const { port } = jwksServer.address() as AddressInfo;
  stack = await startStack({
    env: {
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      AUTH_ISSUER: "https://idp.example",
      AUTH_AUDIENCE: "fc-api",
    },
  });
  customerId = (await seededCustomers(stack))[0]?.id ?? "";
});
afterAll(async () => {
  await stack.close();
  await new Promise((resolve) => jwksServer.close(resolve));
});

const sign = (alg: "RS256" | "HS256", key: PrivateKey | Uint8Array, audience = "fc-api") =>
  new SignJWT({ stripe_customer: customerId })
    .setProtectedHeader({ alg, kid: "test-key" })
    .setIssuer("https://idp.example")
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(key);

const ask = (bearer: string) =>
  graphql(stack, "{ accounts { nodes { id } } }", {}, undefined, {
    authorization: `Bearer ${bearer}`,
  });

describe("JWKS verification", () => {
  it("accepts a token signed by a key of the JWKS, with the configured issuer and audience", async () => {
    const response = await ask(await sign("RS256", privateKey));
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });

  it("rejects a wrong audience", async () => {
    expect((await ask(await sign("RS256", privateKey, "other"))).status).toBe(401);
  });

  it("rejects HS256 tokens in JWKS mode (no algorithm confusion)", async () => {
    const forged = await sign(
      "HS256",
      new TextEncoder().encode("any-secret-an-attacker-picks-0000000"),
    );
    expect((await ask(forged)).status).toBe(401);
  });
});
