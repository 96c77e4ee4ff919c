import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * A new random id in Stripe's style: `<prefix>_` followed by `length` letters and digits.
 * Never fails. Ids created while the sandbox runs are random; seeded ids are literal (see seed.ts).
 */
export function randomId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let suffix = "";
  for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${suffix}`;
}

/**
 * A deterministic id `<prefix>_<stem><n padded>`: the same inputs always give the same id, which
 * is what keeps generated (bulk) data stable across restarts. Letters and digits only.
 */
export function stableId(prefix: string, stem: string, n: number, width = 6): string {
  return `${prefix}_${stem}${String(n).padStart(width, "0")}`;
}

/** The current Unix time in whole seconds, as every Stripe timestamp is. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Seconds in a day, for dates computed in Unix seconds. */
export const SECONDS_PER_DAY = 86_400;
