import { format } from "node:util";
import type { Logger } from "./logger.js";

/** The console's writers, each replaced by one logging at this level. */
const CONSOLE_LEVELS = {
  error: "error",
  warn: "warn",
  log: "info",
  info: "info",
  debug: "debug",
  trace: "trace",
} as const;

/**
 * Makes every line the process writes a JSON log line of `logger`: the console's writers (what
 * libraries print with them, e.g. graphql-ws on a socket error, Express on an error after an
 * answer began) log their formatted arguments as the line's `msg`, an Error as `err`; the
 * process's warnings (deprecations, listener leaks) are logged at `warn` instead of printed to
 * stderr. Once per process, by `src/main.ts`; returns the function that puts the console back.
 */
export function keepProcessOutputJson(logger: Logger): () => void {
  const saved = { ...console };
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (
      ...args: unknown[]
    ) => {
      const error = args.find((arg): arg is Error => arg instanceof Error);
      const text = format(...args.filter((arg) => arg !== error));
      const message = text !== "" ? text : (error?.message ?? "");
      if (error === undefined) logger[level]({ source: "console" }, message);
      else logger[level]({ source: "console", err: error }, message);
    };
  }
  const printers = process.listeners("warning");
  process.removeAllListeners("warning");
  const onWarning = (warning: Error) =>
    logger.warn(
      { warning: { name: warning.name, message: warning.message, stack: warning.stack } },
      "process warning",
    );
  process.on("warning", onWarning);
  return () => {
    Object.assign(console, saved);
    process.off("warning", onWarning);
    for (const printer of printers) process.on("warning", printer);
  };
}
