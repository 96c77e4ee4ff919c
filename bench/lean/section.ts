/**
 * The lean-path section (issue 16): the gateway's own cost per operation against a bare Apollo
 * Server 5 standalone answering from memory, each in a process of its own, loaded by the same
 * autocannon in the bench's process:
 * - the pipeline floor: `{ __typename }` with a valid token (authentication, limits, logging and
 *   metrics all on in the gateway: its whole per-request path and nothing else);
 * - the warm dashboard: the bench's dashboard query (`first: 100`, 10 accounts) answered from the
 *   gateway's warm read model, against Apollo serving the gateway's own answer from memory.
 * Gateway and baseline alternate for `rounds` rounds (in turns, who goes first); the figure is
 * the median of the rounds' ratios, the machine's other work moving both runs of a round alike.
 * With `profileFile`, the gateway is then CPU-profiled under the dashboard load and the profile's
 * summary (`summariseProfile`) written there.
 */
import { type ChildProcess, fork } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixed, table, times } from "../format.js";
import { type LoadFigures, runLoad } from "../load.js";
import { DASHBOARD_BODY, type GraphQLData } from "../query.js";
import { builtTarget } from "./built-target.js";
import { type CpuProfile, summariseProfile } from "./profile-summary.js";

/** The body of the pipeline floor: the cheapest operation there is. */
export const FLOOR_BODY = JSON.stringify({ query: "{ __typename }" });

/** Settings of the section. */
export interface LeanOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Alternations of gateway and baseline per query (BENCH_LEAN_ROUNDS, default 4). */
  rounds: number;
  /** Where to write the CPU profile summary of the gateway under the dashboard load; none: no profile. */
  profileFile?: string;
  /** The summary's heading (e.g. which code was profiled). */
  profileTitle?: string;
  /** The load profiled: the warm dashboard (default) or the pipeline floor. */
  profileQuery?: "dashboard" | "floor";
  /**
   * Run both targets under plain node, the gateway from `npm run build`'s dist/ (BENCH_LEAN_BUILT=1;
   * see built-target.ts), as production runs it (`npm run bench` builds first); BENCH_LEAN_BUILT=0:
   * under tsx from src/, as `npm start`.
   */
  built?: boolean;
}

/** One query, gateway against baseline. */
export interface LeanComparison {
  query: string;
  gateway: LoadFigures[];
  baseline: LoadFigures[];
  gatewayRps: number;
  baselineRps: number;
  /** gatewayRps / baselineRps. */
  ratio: number | null;
  /** Each round's gateway / baseline answers per second (the two ran back to back). */
  roundRatios: number[];
  /** The median of `roundRatios`: the throughput figure least moved by the machine's other work. */
  medianRatio: number | null;
  /** CPU time (user + system) each server's process spent per answer over its measured runs, µs. */
  gatewayCpuMicrosPerAnswer: number;
  baselineCpuMicrosPerAnswer: number;
  /**
   * baseline CPU per answer / gateway CPU per answer: the throughput ratio the two would reach
   * each on a core of its own. Waiting for a core (other work on the machine) is not CPU time, so
   * this moves far less than the throughput ratio on a busy machine.
   */
  cpuRatio: number | null;
}

/** What the section measured (`lean` in bench/results/latest.json). */
export interface LeanResults {
  /** How the targets ran: "tsx" (src/, as `npm start`) or "built" (plain node, dist/). */
  runtime: "tsx" | "built";
  connections: number;
  durationSeconds: number;
  rounds: number;
  floor: LeanComparison;
  dashboard: LeanComparison;
}

const TARGET = fileURLToPath(new URL("./target-process.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A target process, started and ready. */
interface ChildTarget {
  url: string;
  headers: Record<string, string>;
  answer?: GraphQLData;
  /** The process's CPU time so far (user + system), in microseconds. */
  cpuMicros(): Promise<number>;
  /** Runs `during` with the CPU profiler on; writes the profile to `file`. */
  profile(file: string, during: () => Promise<unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves with the child's next message of `kind`; rejects if it exits first. */
function nextMessage(child: ChildProcess, kind: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`target exited with ${code}`));
    const onMessage = (message: Record<string, unknown>) => {
      if (message.kind !== kind) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Forks `target-process.ts <kind>`, its stdout (the gateway's log lines) into `logFile`. */
async function startTarget(
  kind: "gateway" | "apollo",
  logFile: string,
  env: Record<string, string> = {},
  built?: string,
): Promise<ChildTarget> {
  const out = openSync(logFile, "w");
  const child = fork(built ?? TARGET, [kind], {
    cwd: ROOT,
    execArgv: built === undefined ? ["--import", "tsx"] : [],
    env: { ...process.env, ...env },
    stdio: ["ignore", out, "inherit", "ipc"],
  });
  closeSync(out);
  const ready = await nextMessage(child, "ready");
  return {
    url: ready.url as string,
    headers: ready.headers as Record<string, string>,
    answer: ready.answer as GraphQLData | undefined,
    cpuMicros: async () => {
      const answer = nextMessage(child, "cpu");
      child.send({ kind: "cpu" });
      return (await answer).micros as number;
    },
    profile: async (file, during) => {
      const started = nextMessage(child, "profiling");
      child.send({ kind: "profile-start" });
      await started;
      await during();
      const written = nextMessage(child, "profiled");
      child.send({ kind: "profile-stop", file });
      await written;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.send({ kind: "stop" });
      }),
  };
}

/** The median of `values`, or null when there are none. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Alternates gateway and baseline `rounds` times with `body`, then compares their answers per second. */
async function compare(
  query: string,
  body: string,
  gateway: ChildTarget,
  baseline: ChildTarget,
  options: LeanOptions,
  progress: (message: string) => void,
): Promise<LeanComparison> {
  const settings = {
    body,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  };
  const figures: { gateway: LoadFigures[]; baseline: LoadFigures[] } = {
    gateway: [],
    baseline: [],
  };
  const cpu = { gateway: { micros: 0, answers: 0 }, baseline: { micros: 0, answers: 0 } };
  const load = async (name: "gateway" | "baseline", round: number) => {
    const target = name === "gateway" ? gateway : baseline;
    progress(`lean: ${query}, round ${round}: ${name === "gateway" ? "gateway" : "bare Apollo"}`);
    let cpuBefore = 0;
    const run = await runLoad({
      ...settings,
      url: target.url,
      headers: target.headers,
      beforeMeasuring: async () => {
        cpuBefore = await target.cpuMicros();
      },
    });
    cpu[name].micros += (await target.cpuMicros()) - cpuBefore;
    cpu[name].answers += run.requests;
    figures[name].push(run);
  };
  // Each round measures both, in turns (gateway first, then baseline first), so that a change in
  // the machine's load during the run weighs on both alike.
  for (let round = 1; round <= options.rounds; round++) {
    const order =
      round % 2 === 1 ? (["gateway", "baseline"] as const) : (["baseline", "gateway"] as const);
    for (const name of order) await load(name, round);
  }
  const rps = (runs: LoadFigures[]) =>
    runs.reduce((sum, run) => sum + run.requests, 0) /
    runs.reduce((sum, run) => sum + run.durationSeconds, 0);
  const gatewayRps = rps(figures.gateway);
  const baselineRps = rps(figures.baseline);
  const roundRatios = figures.gateway.map((run, index) => {
    const base = figures.baseline[index]?.throughputRps ?? 0;
    return base === 0 ? 0 : run.throughputRps / base;
  });
  return {
    query,
    ...figures,
    gatewayRps,
    baselineRps,
    ratio: baselineRps === 0 ? null : gatewayRps / baselineRps,
    roundRatios,
    medianRatio: median(roundRatios),
    gatewayCpuMicrosPerAnswer: cpu.gateway.micros / Math.max(1, cpu.gateway.answers),
    baselineCpuMicrosPerAnswer: cpu.baseline.micros / Math.max(1, cpu.baseline.answers),
    cpuRatio:
      cpu.gateway.micros === 0
        ? null
        : cpu.baseline.micros /
          Math.max(1, cpu.baseline.answers) /
          (cpu.gateway.micros / Math.max(1, cpu.gateway.answers)),
  };
}

/** Runs the section: both comparisons, then the profile when asked. Stops every process it started. */
export async function runLeanSection(
  options: LeanOptions,
  progress: (message: string) => void,
): Promise<LeanResults> {
  const logFile = join(tmpdir(), `bench-lean-gateway-${process.pid}.log`);
  const built = options.built ? await builtTarget(ROOT, TARGET) : undefined;
  progress(
    `lean: starting the gateway (logs, metrics, auth, limits on) and a bare Apollo, ${built ? "built, under plain node" : "under tsx"}`,
  );
  const gateway = await startTarget("gateway", logFile, {}, built);
  let baseline: ChildTarget | undefined;
  try {
    baseline = await startTarget(
      "apollo",
      `${logFile}.apollo`,
      { BENCH_LEAN_ANSWER: JSON.stringify(gateway.answer ?? {}) },
      built,
    );
    const floor = await compare("{ __typename }", FLOOR_BODY, gateway, baseline, options, progress);
    const dashboard = await compare(
      "dashboard",
      DASHBOARD_BODY,
      gateway,
      baseline,
      options,
      progress,
    );
    if (options.profileFile !== undefined) {
      const floorProfile = options.profileQuery === "floor";
      progress(
        `lean: profiling the gateway under the ${floorProfile ? "pipeline floor" : "dashboard"} load`,
      );
      // The raw profile stays beside the summary (not committed: bench/profiles/*.cpuprofile is
      // ignored) for a closer look in Chrome DevTools or VS Code.
      const raw = `${options.profileFile.replace(/\.txt$/, "")}.cpuprofile`;
      await gateway.profile(raw, () =>
        runLoad({
          body: floorProfile ? FLOOR_BODY : DASHBOARD_BODY,
          url: gateway.url,
          headers: gateway.headers,
          connections: options.connections,
          durationSeconds: Math.max(5, options.durationSeconds),
          warmupSeconds: 0,
        }),
      );
      const profile = JSON.parse(await readFile(raw, "utf8")) as CpuProfile;
      await mkdir(dirname(options.profileFile), { recursive: true });
      const heading = [
        options.profileTitle ?? "Gateway CPU profile under the warm dashboard load",
        `(${options.connections} connections, targets ${built ? "built (plain node, dist/)" : "under tsx (src/)"}; regenerate: npm run bench:profile -- <label>)`,
        `measured in the same run: pipeline floor ${times(floor.medianRatio)} of bare Apollo's throughput (median of rounds), ${times(floor.cpuRatio)} by CPU per answer; warm dashboard ${times(dashboard.medianRatio)}, ${times(dashboard.cpuRatio)} by CPU per answer`,
      ].join("\n");
      await writeFile(options.profileFile, summariseProfile(profile, heading));
      progress(`lean: profile summary written to ${options.profileFile}`);
    }
    return {
      runtime: built ? "built" : "tsx",
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      floor,
      dashboard,
    };
  } finally {
    await baseline?.stop();
    await gateway.stop();
    rmSync(logFile, { force: true });
    rmSync(`${logFile}.apollo`, { force: true });
  }
}

const row = (comparison: LeanComparison, target: string, runs: LoadFigures[], rps: number) => {
  const p50 = Math.max(...runs.map((run) => run.latencyMs.p50));
  const p99 = Math.max(...runs.map((run) => run.latencyMs.p99));
  const failed = runs.reduce((sum, run) => sum + run.non2xx + run.graphqlErrors + run.errors, 0);
  return [comparison.query, target, fixed(rps, 0), fixed(p50, 0), fixed(p99, 0), String(failed)];
};

/** The section as printed on stdout. */
export function formatLean(results: LeanResults): string {
  const rows = [results.floor, results.dashboard].flatMap((comparison) => [
    row(comparison, "gateway", comparison.gateway, comparison.gatewayRps),
    row(comparison, "bare Apollo", comparison.baseline, comparison.baselineRps),
    [comparison.query, "gateway / bare Apollo", times(comparison.ratio), "", "", ""],
    [comparison.query, "median of rounds", times(comparison.medianRatio), "", "", ""],
    [
      comparison.query,
      "CPU per answer (µs)",
      `${fixed(comparison.gatewayCpuMicrosPerAnswer, 0)} / ${fixed(comparison.baselineCpuMicrosPerAnswer, 0)}`,
      "",
      "",
      "",
    ],
    [comparison.query, "bare Apollo / gateway CPU", times(comparison.cpuRatio), "", "", ""],
  ]);
  return [
    `Lean path: gateway (auth, limits, info logs, metrics on; warm read model) against a bare Apollo Server 5 standalone answering from memory, each in its own process (${results.runtime === "built" ? "built, plain node" : "tsx"}); ${results.connections} connections, ${results.rounds} alternating rounds of ${results.durationSeconds} s`,
    table(["query", "target", "req/s", "p50 ms", "p99 ms", "failed"], rows),
    ...[results.floor, results.dashboard].map(
      (comparison) =>
        `${comparison.query}: gateway / bare Apollo by round ${comparison.roundRatios.map((value) => value.toFixed(2)).join(", ")}`,
    ),
    ...[results.floor, results.dashboard].flatMap((comparison) => {
      const failed = [...comparison.gateway, ...comparison.baseline].reduce(
        (sum, run) => sum + run.non2xx + run.graphqlErrors + run.errors,
        0,
      );
      return failed === 0
        ? []
        : [
            `WARNING ${comparison.query}: ${failed} failed answers; its ratios compare refusals, not work`,
          ];
    }),
    `Pipeline floor ({ __typename } with a token): ${times(results.floor.medianRatio)} of bare Apollo's throughput (median of the rounds), ${times(results.floor.cpuRatio)} by CPU per answer`,
    `Warm dashboard (10 accounts): ${times(results.dashboard.medianRatio)} of bare Apollo's throughput (median of the rounds), ${times(results.dashboard.cpuRatio)} by CPU per answer`,
  ].join("\n");
}

/** The section's settings from the environment (BENCH_LEAN_ROUNDS) on top of the bench's own. */
export function readLeanOptions(
  base: { connections: number; durationSeconds: number; warmupSeconds: number },
  env: NodeJS.ProcessEnv = process.env,
): LeanOptions {
  const raw = env.BENCH_LEAN_ROUNDS?.trim();
  const rounds = raw === undefined || raw === "" ? 4 : Number(raw);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) {
    throw new Error(`BENCH_LEAN_ROUNDS must be a whole number from 1 to 20, got "${raw}"`);
  }
  return { ...base, rounds, built: env.BENCH_LEAN_BUILT !== "0" };
}
