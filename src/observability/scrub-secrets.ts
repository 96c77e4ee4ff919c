/**
 * Shapes of secrets, matched in the final text of every log line: a second net under pino's
 * path-based redaction, for secrets that arrive inside strings (error messages, URLs, raw
 * bodies) where no path can name them.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  // Stripe secret and restricted keys.
  /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+/g,
  // Webhook signing secrets.
  /\bwhsec_[A-Za-z0-9_]+/g,
  // Client secrets of sessions, intents and the like: `<object id>_secret_<random>`.
  /\b[A-Za-z0-9]+_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/g,
  // Bearer credentials, whatever their format.
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  // JWTs (three base64url parts, the first a JSON header).
  /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];

/**
 * A cheap first look: every SECRET_PATTERNS match contains one of these (case aside), so a line
 * without any of them has nothing to scrub. Most lines (an operation's) are passed over after
 * this one scan instead of one per pattern.
 */
const MAY_HOLD_SECRET = /sk_|rk_|whsec_|_secret_|bearer|basic|eyJ/i;

/** What replaces a secret. */
export const SCRUBBED = "[redacted]";

/**
 * Returns a function that blanks, in a text, every known secret value given here (the configured
 * Stripe key and webhook secrets, whatever their shape) and anything shaped like a secret (see
 * SECRET_PATTERNS). Values shorter than 8 characters are ignored: blanking them would mangle
 * ordinary words.
 */
export function secretScrubber(knownSecrets: readonly string[] = []): (text: string) => string {
  const known = knownSecrets.filter((secret) => secret.length >= 8);
  return (text) => {
    if (!MAY_HOLD_SECRET.test(text) && !known.some((secret) => text.includes(secret))) return text;
    let result = text;
    for (const secret of known) result = result.replaceAll(secret, SCRUBBED);
    for (const pattern of SECRET_PATTERNS) {
      result = result.replace(pattern, (_match, scheme?: string) =>
        typeof scheme === "string" && /^(bearer|basic)$/i.test(scheme)
          ? `${scheme} ${SCRUBBED}`
          : SCRUBBED,
      );
    }
    return result;
  };
}
