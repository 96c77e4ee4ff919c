/**
 * `npm run bench:profile -- <label>`: runs the lean-path section (bench settings from the
 * environment, as `npm run bench`) with the gateway CPU-profiled under the rich warm dashboard's
 * load, and writes the summary to bench/profiles/lean-path-<label>.txt. Prints the section's
 * figures. BENCH_PROFILE_QUERY=floor profiles the pipeline floor (`{ __typename }`) instead,
 * BENCH_PROFILE_QUERY=small the small dashboard (issue 23). BENCH_PROFILE_BASELINE=1 profiles
 * bare Apollo under the same load too, into lean-path-<label>-apollo.txt. Needs a fresh
 * `npm run build`.
 */
import { fileURLToPath } from "node:url";
import { readOptions } from "../options.js";
import { formatLean, type LeanQuery, readLeanOptions, runLeanSection } from "./section.js";

const label = process.argv[2] ?? "latest";
if (!/^[a-z0-9-]+$/.test(label)) throw new Error(`label must be [a-z0-9-]+, got "${label}"`);
const options = readOptions();
const file = fileURLToPath(new URL(`../profiles/lean-path-${label}.txt`, import.meta.url));
const asked = process.env.BENCH_PROFILE_QUERY;
const query: LeanQuery = asked === "floor" || asked === "small" ? asked : "dashboard";
const titles: Record<LeanQuery, string> = {
  floor: "pipeline floor ({ __typename })",
  small: "small dashboard",
  dashboard: "warm dashboard",
};
const results = await runLeanSection(
  {
    ...readLeanOptions(options),
    profileQuery: query,
    profileFile: file,
    profileBaseline: process.env.BENCH_PROFILE_BASELINE === "1",
    profileTitle: `CPU profile under the ${titles[query]} load (${label}, ${new Date().toISOString()})`,
  },
  (message) => process.stderr.write(`bench: ${message}\n`),
);
process.stdout.write(`${formatLean(results)}\n`);
