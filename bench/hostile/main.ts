/**
 * `BENCH_ONLY=hostile npm run bench`: the hostile-load section alone (figures in
 * bench/results/hostile.json). `npm run bench` runs it too.
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { formatHostile, readHostileOptions, runHostileSection } from "./section.js";

/** Where the section's figures are written. */
export const HOSTILE_RESULTS = fileURLToPath(new URL("../results/hostile.json", import.meta.url));

/** Runs the section, writes its figures and prints its table. */
export async function hostileOnly(progress: (message: string) => void): Promise<void> {
  const results = await runHostileSection(readHostileOptions(), progress);
  await writeFile(HOSTILE_RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${formatHostile(results)}\n`);
}
