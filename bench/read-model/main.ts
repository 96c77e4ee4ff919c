/**
 * `npm run bench:read-model`: the read-model section of `npm run bench` alone (same settings:
 * BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS). Prints its table; writes no file.
 */
import { readOptions } from "../options.js";
import { formatReadModelReport, runReadModelSection } from "./section.js";

const options = readOptions();
const results = await runReadModelSection(options, (message) =>
  process.stderr.write(`bench: ${message}\n`),
);
process.stdout.write(`${formatReadModelReport(results)}\n`);
