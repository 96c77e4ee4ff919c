/**
 * `npm run bench:event-calls`: the Stripe-calls-per-lifecycle-event section of `npm run bench`
 * alone. Prints its lines; writes no file. Exits 1 when a figure exceeds its bound.
 */
import { formatEventCallsReport, runEventCallsSection } from "./event-calls.js";

const results = await runEventCallsSection((message) =>
  process.stderr.write(`bench: ${message}\n`),
);
process.stdout.write(`${formatEventCallsReport(results)}\n`);
if (Math.max(results.warm.max, results.cold.max) > results.bound) process.exitCode = 1;
