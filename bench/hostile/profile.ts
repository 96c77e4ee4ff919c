/**
 * `npm run bench:profile-hostile -- <flood> <label>`: one flood of the hostile-load section
 * (floods.ts) against the built gateway CPU-profiled (`--cpu-prof`), no victim; writes the
 * summary to bench/profiles/hostile-<flood>-<label>.txt and prints it. Needs `npm run build`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CpuProfile, summariseProfile } from "../lean/profile-summary.js";
import { intFrom } from "../options.js";
import { sandboxControl } from "../sandbox-control.js";
import { startBuiltProcesses } from "./built-processes.js";
import type { FloodOutcome } from "./flood-worker.js";
import { FLOOD_KINDS, type FloodKind } from "./floods.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const kind = process.argv[2] as FloodKind;
if (!FLOOD_KINDS.includes(kind)) throw new Error(`flood must be one of ${FLOOD_KINDS.join(", ")}`);
const label = process.argv[3] ?? "latest";
if (!/^[a-z0-9-]+$/.test(label)) throw new Error(`label must be [a-z0-9-]+, got "${label}"`);
const seconds = intFrom(process.env, "BENCH_HOSTILE_SECONDS", 8, 1, 600);
const concurrency = intFrom(process.env, "BENCH_HOSTILE_CONCURRENCY", 8, 1, 1_000);

const profileDir = await mkdtemp(join(tmpdir(), "hostile-profile-"));
const processes = await startBuiltProcesses(join(profileDir, "gateway.log"), [
  "--cpu-prof",
  `--cpu-prof-dir=${profileDir}`,
]);
let outcome: FloodOutcome;
try {
  const sandbox = sandboxControl(processes.sandboxUrl);
  const flooder = await processes.authorizationFor((await sandbox.createCustomer(10, 3)).id);
  outcome = await new Promise<FloodOutcome>((resolve, reject) => {
    const child = spawn("node", ["--import", "tsx", "bench/hostile/flood-worker.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        FLOOD_KIND: kind,
        FLOOD_URL: processes.gatewayUrl,
        FLOOD_AUTHORIZATION: flooder,
        FLOOD_SECONDS: String(seconds),
        FLOOD_CONCURRENCY: String(concurrency),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(output.trim()) as FloodOutcome)
        : reject(new Error(`flood exited ${code}`)),
    );
  });
} finally {
  await processes.close();
}
const written = (await readdir(profileDir)).find((name) => name.endsWith(".cpuprofile"));
if (written === undefined) throw new Error(`the gateway wrote no profile in ${profileDir}`);
const profile = JSON.parse(await readFile(join(profileDir, written), "utf8")) as CpuProfile;
const perRequest = `${outcome.sent} requests: ${JSON.stringify(outcome.statuses)}`;
const summary = summariseProfile(
  profile,
  `Built gateway CPU profile under the ${kind} flood (${concurrency} in flight, ${seconds} s; ${perRequest}) (${label}, ${new Date().toISOString()})`,
  40,
);
const file = fileURLToPath(new URL(`../profiles/hostile-${kind}-${label}.txt`, import.meta.url));
await writeFile(file, summary);
process.stdout.write(summary);
