import { LRUCache } from "lru-cache";
import type { Identity, TokenVerifier } from "./token-verifier.js";

/** How many verified tokens are remembered at most (the least recently used go first). */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
/** Most bytes the remembered tokens and identities take together (estimated, see `entryBytes`). */
export const VERIFIED_TOKEN_CACHE_BYTES = 16 * 1024 * 1024;
/** A token longer than this (characters) is verified on every request, never remembered. */
export const MAX_REMEMBERED_TOKEN_LENGTH = 8 * 1024;

/** What one remembered token holds: the string (2 bytes a character at most) and its identity. */
const entryBytes = (token: string) => 2 * token.length + 512;

/** Verifies `token` as of `nowMs` (epoch milliseconds): the clock `exp` and `iat` are checked against. */
export type TimedTokenVerifier = (token: string, nowMs: number) => Promise<Identity>;

/**
 * Remembers each token `verify` accepted, keyed by the whole token string, until its `exp`: a
 * client's repeated requests pay one signature check. A remembered token is answered from memory
 * only while `now()` is before its `exp` (as jose counts it: whole seconds, `exp <= now` is
 * expired); from then on it is forgotten and verified again (and so refused, since `verify` uses
 * the same clock). Refusals are never remembered, and nothing but an identical token string ever
 * gets a remembered identity: one customer's token can never answer for another's. Bounded in
 * entries and in bytes (VERIFIED_TOKEN_CACHE_BYTES); a token over MAX_REMEMBERED_TOKEN_LENGTH is
 * not remembered at all. A remembered token's identity is answered now (not a promise); every
 * other token's is a promise of `verify`'s answer. Revocation is
 * unchanged: a token is valid until its `exp`, with or without this cache.
 */
export function cacheVerifiedTokens(
  verify: TimedTokenVerifier,
  options: { now?: () => number; max?: number } = {},
): TokenVerifier {
  const now = options.now ?? Date.now;
  const verified = new LRUCache<string, Identity>({
    max: options.max ?? VERIFIED_TOKEN_CACHE_SIZE,
    maxSize: VERIFIED_TOKEN_CACHE_BYTES,
    sizeCalculation: (_identity, token) => entryBytes(token),
  });
  const verifyAndRemember = async (token: string, nowMs: number): Promise<Identity> => {
    const identity = Object.freeze(await verify(token, nowMs));
    // Only a token with an expiry is remembered (every accepted one has one: `exp` is required).
    if (identity.expiresAt !== undefined && token.length <= MAX_REMEMBERED_TOKEN_LENGTH) {
      verified.set(token, identity);
    }
    return identity;
  };
  return (token) => {
    const nowMs = now();
    const remembered = verified.get(token);
    if (remembered !== undefined) {
      const expiresAt = remembered.expiresAt;
      if (expiresAt !== undefined && expiresAt > Math.floor(nowMs / 1000)) return remembered;
      verified.delete(token);
    }
    return verifyAndRemember(token, nowMs);
  };
}
