import { base64url, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { DEV_JWT_SECRET } from "../../src/config/auth-dev-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { seededCustomers } from "../support/sandbox-control.js";

let stack: TestStack;
let alice: string;
beforeAll(async () => {
  stack = await startStack();
  alice = (await seededCustomers(stack))[0]?.id ?? "";
});
afterAll(() => stack.close());

const QUERY = "{ accounts { nodes { id } } }";
const now = () => Math.floor(Date.now() / 1000);
const key = new TextEncoder().encode(DEV_JWT_SECRET);

/** A token like the gateway's own, with one thing changed (`iat: null` leaves `iat` out). */
function token(
  change: {
    secret?: string;
    audience?: string;
    issuer?: string;
    exp?: number;
    iat?: number | null;
  } = {},
) {
  const jwt = new SignJWT({ stripe_customer: alice })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(change.issuer ?? "fc-relink-gateway")
    .setAudience(change.audience ?? "fc-relink-gateway")
    .setExpirationTime(change.exp ?? now() + 600);
  if (change.iat !== null) jwt.setIssuedAt(change.iat ?? now());
  return jwt.sign(change.secret === undefined ? key : new TextEncoder().encode(change.secret));
}

async function withBearer(bearer: string) {
  return graphql(stack, QUERY, {}, undefined, { authorization: `Bearer ${bearer}` });
}

describe("bearer token verification on HTTP", () => {
  it("accepts a valid token and scopes the operation to its customer", async () => {
    const response = await withBearer(await token());
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });

  it.each([
    ["expired", () => token({ exp: now() - 60 })],
    [
      "signed with another secret",
      () => token({ secret: "another-secret-of-at-least-32-characters!" }),
    ],
    ["for another audience", () => token({ audience: "someone-else" })],
    ["from another issuer", () => token({ issuer: "evil-issuer" })],
    [
      "unsigned (alg: none)",
      async () => {
        const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
        const payload = base64url.encode(
          JSON.stringify({
            stripe_customer: alice,
            iss: "fc-relink-gateway",
            aud: "fc-relink-gateway",
            exp: now() + 600,
          }),
        );
        return `${header}.${payload}.`;
      },
    ],
    ["malformed", async () => "not.a.jwt"],
    ["garbage", async () => "%%%"],
    [
      "without a customer claim",
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("fc-relink-gateway")
          .setAudience("fc-relink-gateway")
          .setExpirationTime(now() + 600)
          .sign(key),
    ],
    ["without an issued-at time (iat)", () => token({ iat: null })],
    [
      "without an expiry",
      () =>
        new SignJWT({ stripe_customer: alice })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("fc-relink-gateway")
          .setAudience("fc-relink-gateway")
          .sign(key),
    ],
  ])("rejects a token %s with 401 UNAUTHENTICATED and no data", async (_name, make) => {
    const response = await withBearer(await make());
    expect(response.status).toBe(401);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("accepts a token living exactly AUTH_MAX_TOKEN_AGE (24 h by default)", async () => {
    const response = await withBearer(await token({ iat: now(), exp: now() + 86_400 }));
    expect(response.status).toBe(200);
  });

  it("rejects a token living longer than AUTH_MAX_TOKEN_AGE (exp - iat over 24 h), saying why", async () => {
    const response = await withBearer(await token({ iat: now(), exp: now() + 86_401 }));
    expect(response.status).toBe(401);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(response.errors?.[0]?.message).toMatch(/lifetime/);
  });

  it("rejects a token issued 2 minutes in the future (beyond the 60 s clock skew), saying why", async () => {
    const response = await withBearer(await token({ iat: now() + 120, exp: now() + 600 }));
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(response.errors?.[0]?.message).toMatch(/future/);
  });

  it("accepts a token issued 30 s in the future (within the 60 s clock skew)", async () => {
    const response = await withBearer(await token({ iat: now() + 30, exp: now() + 600 }));
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });

  it("rejects a non-bearer Authorization header with 401", async () => {
    const response = await graphql(stack, QUERY, {}, undefined, {
      authorization: "Basic YWxpY2U6cHc=",
    });
    expect(response.status).toBe(401);
  });

  it("answers 401 to a data query without a token", async () => {
    const response = await graphql(stack, QUERY);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("lets playgrounds introspect without a token in development", async () => {
    const response = await graphql<{ __schema: { queryType: { name: string } } }>(
      stack,
      "{ __schema { queryType { name } } }",
    );
    expect(response.status).toBe(200);
    expect(response.data?.__schema.queryType.name).toBe("Query");
  });

  it("does not let introspection carry data queries along without a token", async () => {
    const response = await graphql(stack, "{ __typename accounts { nodes { id } } }");
    expect(response.status).toBe(401);
  });
});

describe("production posture for anonymous introspection", () => {
  let production: TestStack;
  beforeAll(async () => {
    production = await startStack({
      env: {
        NODE_ENV: "production",
        STRIPE_SECRET_KEY: "sk_test_productionLike123",
        STRIPE_WEBHOOK_SECRET: "whsec_productionEndpointSecret01",
        AUTH_JWT_SECRET: "a-production-secret-of-at-least-32-chars",
        // Introspection is off in production by default (test/production); enabled here, it
        // still needs a token.
        GRAPHQL_INTROSPECTION: "true",
      },
    });
  });
  afterAll(() => production.close());

  it("requires a token even for introspection", async () => {
    const response = await graphql(production, "{ __schema { queryType { name } } }");
    expect(response.status).toBe(401);
  });

  it("accepts tokens signed with the configured secret and refuses the dev secret", async () => {
    const good = await signToken(production.config.auth, { customerId: alice });
    expect(
      (await graphql(production, QUERY, {}, undefined, { authorization: `Bearer ${good}` })).status,
    ).toBe(200);
    const dev = await token();
    expect(
      (await graphql(production, QUERY, {}, undefined, { authorization: `Bearer ${dev}` })).status,
    ).toBe(401);
  });
});
