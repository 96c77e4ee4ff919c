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
 * Creates the process's one logger. `destination` lets tests capture every line; without it the
 * lines go to stdout through pino's asynchronous destination (sonic-boom: a request never waits
 * on a write; the lines are written soon after, in order), which `gracefulShutdown` flushes and
 * pino flushes synchronously on exit, so no line is lost on SIGTERM. `knownSecrets` (the
 * configured Stripe key and webhook secrets) are blanked wherever they appear in a line, on top
 * of the redacted paths (compiled once, here) and the secret shapes the scrubber knows.
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
    destination ?? stdoutDestination(level),
  );
}

/** Stdout, asynchronously; a silent logger (tests, benchmarks) keeps `process.stdout` and never writes. */
function stdoutDestination(level: string): NodeJS.WritableStream | pino.DestinationStream {
  return level === "silent" ? process.stdout : pino.destination({ dest: 1, sync: false });
}

export type { Logger };
