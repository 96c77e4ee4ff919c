import { type Logger, pino } from "pino";
import { secretScrubber } from "./scrub-secrets.js";

/**
 * Paths pino blanks in every log line. Secrets must never reach logs: the Stripe key, webhook
 * secrets, bearer tokens, and a relink session's `client_secret`, wherever they appear. What no
 * path can name (a secret inside a message) is caught by the scrubber on the written line.
 */
export const REDACTED_PATHS = [
  "stripeKey",
  "apiKey",
  "webhookSecret",
  "webhookSecrets",
  "secret",
  "secrets",
  "authorization",
  "token",
  "clientSecret",
  "client_secret",
  "connectionParams",
  "*.authorization",
  "*.Authorization",
  "*.token",
  "*.secret",
  "*.clientSecret",
  "*.client_secret",
  "*.apiKey",
  "*.webhookSecret",
  "*.connectionParams",
  "headers.authorization",
  "headers.cookie",
  'headers["stripe-signature"]',
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["stripe-signature"]',
  "*.headers.authorization",
  "*.headers.cookie",
  "err.raw.headers",
  "err.headers",
];

/**
 * Creates the process's one logger. `destination` lets tests capture every line; `knownSecrets`
 * (the configured Stripe key and webhook secrets) are blanked wherever they appear in a line, on
 * top of the redacted paths and the secret shapes the scrubber knows.
 */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  knownSecrets: readonly string[] = [],
): Logger {
  const scrub = secretScrubber(knownSecrets);
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: { service: "fc-gateway" },
      hooks: { streamWrite: scrub },
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
