import { StripeError } from "./errors.js";

const TEST_KEY = /^sk_test_[A-Za-z0-9]+$/;

/**
 * The secret key of a request, from `Authorization: Bearer <key>` or Basic (`<key>:` in base64,
 * as Stripe accepts). Returns the key when it is a test secret key (`sk_test_` + letters/digits).
 * Throws a 401 StripeError worded like Stripe's otherwise; the message masks the key, never
 * echoing it whole.
 */
export function authenticate(header: string | undefined): string {
  const key = keyFromHeader(header);
  if (!key) {
    throw new StripeError(
      401,
      "invalid_request_error",
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (!TEST_KEY.test(key)) {
    throw new StripeError(
      401,
      "invalid_request_error",
      `Invalid API Key provided: ${maskKey(key)}`,
    );
  }
  return key;
}

function keyFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const credentials = rest.join(" ");
  if (!scheme || !credentials) return undefined;
  if (scheme.toLowerCase() === "bearer") return credentials;
  if (scheme.toLowerCase() === "basic") {
    const decoded = Buffer.from(credentials, "base64").toString("utf8");
    // Basic carries "<key>:" (empty password); a bare key is tolerated as Stripe does.
    return decoded.split(":")[0] || undefined;
  }
  return undefined;
}

/**
 * A key as Stripe shows it in errors: the type prefix and the last four characters, the rest
 * starred (short keys fully starred), so logs of error bodies never hold a usable key.
 */
export function maskKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? "";
  const rest = key.slice(prefix.length);
  if (rest.length <= 8) return `${prefix}${"*".repeat(Math.max(rest.length, 4))}`;
  return `${prefix}${"*".repeat(rest.length - 4)}${rest.slice(-4)}`;
}
