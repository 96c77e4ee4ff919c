import { describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import {
  AuthenticationFailed,
  createTokenVerifier,
  type Identity,
} from "../../src/auth/token-verifier.js";
import {
  cacheVerifiedTokens,
  MAX_REMEMBERED_TOKEN_LENGTH,
  VERIFIED_TOKEN_CACHE_BYTES,
} from "../../src/auth/verified-token-cache.js";
import { loadConfig } from "../../src/config/config.js";

const auth = loadConfig({}).auth;

/** A clock the test moves by hand; only the verifier (cache and jose) reads it. */
function handClock() {
  let nowMs = Date.now();
  return { now: () => nowMs, set: (ms: number) => (nowMs = ms) };
}

const customerOf = (identity: Identity) =>
  identity.kind === "customer" ? identity.customerId : `service:${identity.subject}`;

describe("verified-token cache", () => {
  it("verifies a repeated token once, and again (with the same clock) once its exp has passed", async () => {
    const clock = handClock();
    const calls: number[] = [];
    const expiresAt = Math.floor(clock.now() / 1000) + 30;
    const verify = cacheVerifiedTokens(
      async (_token, nowMs) => {
        calls.push(nowMs);
        if (Math.floor(nowMs / 1000) >= expiresAt) throw new AuthenticationFailed("expired");
        return { kind: "customer", customerId: "cus_A", expiresAt };
      },
      { now: clock.now },
    );
    await verify("token-a");
    await verify("token-a");
    await verify("token-a");
    expect(calls).toHaveLength(1);
    clock.set(expiresAt * 1000);
    await expect(verify("token-a")).rejects.toThrow(AuthenticationFailed);
    expect(calls).toEqual([expect.any(Number), expiresAt * 1000]);
  });

  it("answers a remembered token now, not as a promise; a new or expired one as a promise", async () => {
    const clock = handClock();
    const expiresAt = Math.floor(clock.now() / 1000) + 30;
    const verify = cacheVerifiedTokens(
      async (_token, nowMs) => {
        if (Math.floor(nowMs / 1000) >= expiresAt) throw new AuthenticationFailed("expired");
        return { kind: "customer", customerId: "cus_A", expiresAt };
      },
      { now: clock.now },
    );
    const first = verify("token-a");
    expect(first).toBeInstanceOf(Promise);
    const identity = await first;
    const remembered = verify("token-a");
    expect(remembered).not.toBeInstanceOf(Promise);
    expect(remembered).toBe(identity);
    clock.set(expiresAt * 1000);
    const expired = verify("token-a");
    expect(expired).toBeInstanceOf(Promise);
    await expect(expired).rejects.toThrow(AuthenticationFailed);
  });

  it("refuses a cached token once its exp has passed (the gateway's verifier, a real short-lived token)", async () => {
    const clock = handClock();
    const verify = createTokenVerifier(auth, { now: clock.now });
    const token = await signToken(auth, { customerId: "cus_Short", ttlSeconds: 5 });
    const first = await verify(token);
    expect(customerOf(first)).toBe("cus_Short");
    // Still before exp: answered (from the cache).
    expect(customerOf(await verify(token))).toBe("cus_Short");
    const expiresAt = first.expiresAt as number;
    clock.set(expiresAt * 1000 - 1);
    expect(customerOf(await verify(token))).toBe("cus_Short");
    clock.set(expiresAt * 1000);
    await expect(verify(token)).rejects.toThrow("The bearer token is invalid or expired.");
    clock.set(expiresAt * 1000 + 60_000);
    await expect(verify(token)).rejects.toThrow(AuthenticationFailed);
  });

  it("never answers one customer's token with another's viewer, nor a tampered copy of a cached token", async () => {
    const verify = createTokenVerifier(auth);
    const alice = await signToken(auth, { customerId: "cus_Alice", ttlSeconds: 600 });
    const bob = await signToken(auth, { customerId: "cus_Bob", ttlSeconds: 600 });
    for (let round = 0; round < 3; round++) {
      expect(customerOf(await verify(alice))).toBe("cus_Alice");
      expect(customerOf(await verify(bob))).toBe("cus_Bob");
    }
    // Alice's token with Bob's payload, or with its signature changed: not the cached string.
    const [aliceHeader, , aliceSignature] = alice.split(".");
    const [, bobPayload] = bob.split(".");
    await expect(verify(`${aliceHeader}.${bobPayload}.${aliceSignature}`)).rejects.toThrow(
      AuthenticationFailed,
    );
    const flipped = `${alice.slice(0, -2)}${alice.endsWith("AA") ? "BB" : "AA"}`;
    await expect(verify(flipped)).rejects.toThrow(AuthenticationFailed);
    // A prefix of a cached token is not that token either.
    await expect(verify(alice.slice(0, -1))).rejects.toThrow(AuthenticationFailed);
    expect(customerOf(await verify(alice))).toBe("cus_Alice");
  });

  it("never remembers a token over MAX_REMEMBERED_TOKEN_LENGTH, and keeps its tokens within VERIFIED_TOKEN_CACHE_BYTES", async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const verified: string[] = [];
    const verify = cacheVerifiedTokens(async (token) => {
      verified.push(token);
      return { kind: "customer", customerId: "cus_A", expiresAt };
    });
    const long = "t".repeat(MAX_REMEMBERED_TOKEN_LENGTH + 1);
    await verify(long);
    await verify(long);
    expect(verified).toHaveLength(2);
    // Tokens of 8 KiB: fewer than the entry cap fit in the byte bound, so the first are evicted.
    const tokenOf = (index: number) => `${index}:`.padEnd(MAX_REMEMBERED_TOKEN_LENGTH, "t");
    const fitting = Math.floor(VERIFIED_TOKEN_CACHE_BYTES / (2 * MAX_REMEMBERED_TOKEN_LENGTH));
    for (let index = 0; index < fitting + 10; index++) await verify(tokenOf(index));
    verified.length = 0;
    await verify(tokenOf(fitting + 9));
    expect(verified).toHaveLength(0);
    await verify(tokenOf(0));
    expect(verified).toEqual([tokenOf(0)]);
  });
});
