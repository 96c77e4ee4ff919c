import { type Logger, pino } from "pino";

/**
 * Paths pino blanks in every log line. Secrets must never reach logs: the Stripe key, webhook
 * secrets, bearer tokens, and a relink session's `client_secret`, wherever they appear.
 */
export const REDACTED_PATHS = [
  "stripeKey",
  "apiKey",
  "webhookSecret",
  "webhookSecrets",
  "authorization",
  "token",
  "clientSecret",
  "client_secret",
  "*.authorization",
  "*.token",
  "*.clientSecret",
  "*.client_secret",
  "*.apiKey",
  "*.webhookSecret",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["stripe-signature"]',
];

/** Creates the process's one logger. `destination` lets tests capture every line. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: { service: "fc-gateway" },
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
