/**
 * The lean-path section (issues 16 and 23): the gateway's own cost per operation against a bare
 * Apollo Server 5 standalone answering from memory, each in a process of its own, loaded by the
 * same autocannon in the bench's process. The gateway runs as production runs it
 * (`production-gateway.ts`: `dist/main.js` under plain node, NODE_ENV=production, info logs to a
 * file, the sandbox in a process of its own), the baseline built and NODE_ENV=production too;
 * the load spreads over `customers` customers (10 accounts over 3 authorizations each), each
 * connection sending their tokens in turn:
 * - the pipeline floor: `{ __typename }` with a valid token (authentication, limits, logging and
 *   metrics all on in the gateway: its whole per-request path and nothing else);
 * - the small dashboard (issue 23): `accounts(first: 100)` with id, status, health state and the
 *   authorization's id and status, from the gateway's warm read model;
 * - the rich dashboard: the bench's dashboard query, from the warm read model.
 * Apollo answers both dashboards with the first customer's answer of the gateway, from memory.
 * Gateway and baseline alternate for `rounds` rounds (in turns, who goes first); the figure is
 * the median of the rounds' ratios, the machine's other work moving both runs of a round alike.
 * With `profileFile`, the gateway is then CPU-profiled under one of the loads and the profile's
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
import { intFrom } from "../options.js";
import {
  DASHBOARD_BODY,
  fetchDashboard,
  type GraphQLData,
  SMALL_DASHBOARD_BODY,
} from "../query.js";
import { sandboxControl } from "../sandbox-control.js";
import { builtTarget } from "./built-target.js";
import { type LeanGateway, startLeanGateway } from "./production-gateway.js";
import { type CpuProfile, summariseProfile } from "./profile-summary.js";

/** The body of the pipeline floor: the cheapest operation there is. */
export const FLOOR_BODY = JSON.stringify({ query: "{ __typename }" });

/** Settings of the section. */
export interface LeanOptions {
  /** Concurrent connections of every load (BENCH_LEAN_CONNECTIONS, default 16: issue 23's). */
  connections: number;
  /** Customers the load spreads over, 10 accounts / 3 authorizations each (BENCH_LEAN_CUSTOMERS, default 20). */
  customers: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Alternations of gateway and baseline per query (BENCH_LEAN_ROUNDS, default 4). */
  rounds: number;
  /** Where to write the CPU profile summary of the gateway under the dashboard load; none: no profile. */
  profileFile?: string;
  /** The summary's heading (e.g. which code was profiled), after "Gateway" or "Bare Apollo". */
  profileTitle?: string;
  /** Profile bare Apollo too, under the same load, into `profileFile` with `-apollo` before `.txt`. */
  profileBaseline?: boolean;
  /** The load profiled: the rich warm dashboard (default), the small one, or the pipeline floor. */
  profileQuery?: LeanQuery;
  /**
   * Run both targets under plain node, the gateway from `npm run build`'s dist/ (BENCH_LEAN_BUILT=1;
   * see built-target.ts), as production runs it (`npm run bench` builds first); BENCH_LEAN_BUILT=0:
   * under tsx from src/, as `npm start`.
   */
  built?: boolean;
}

/** The section's loads. */
export type LeanQuery = "floor" | "small" | "dashboard";

/** Each load's body and name in the report. */
const LOADS: Record<LeanQuery, { body: string; title: string }> = {
  floor: { body: FLOOR_BODY, title: "{ __typename }" },
  small: { body: SMALL_DASHBOARD_BODY, title: "small dashboard" },
  dashboard: { body: DASHBOARD_BODY, title: "dashboard" },
};

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
  customers: number;
  durationSeconds: number;
  rounds: number;
  floor: LeanComparison;
  /** Issue 23's small dashboard. */
  small: LeanComparison;
  dashboard: LeanComparison;
}

const TARGET = fileURLToPath(new URL("./target-process.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A target process, started and ready. */
interface ChildTarget {
  url: string;
  headers: Record<string, string>;
  /** Headers over `headers` each connection sends in turn (one token per customer). */
  headersInTurn?: Record<string, string>[];
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

/** The CPU and profiler probes of `child` (the protocol of `bench/live/process-probes.ts`). */
function probesOf(child: ChildProcess): Pick<ChildTarget, "cpuMicros" | "profile"> {
  return {
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
  };
}

/** Forks `target-process.ts apollo` (NODE_ENV=production), its stdout into `logFile`. */
async function startApollo(
  logFile: string,
  answer: GraphQLData,
  built?: string,
): Promise<ChildTarget> {
  const out = openSync(logFile, "w");
  const child = fork(built ?? TARGET, ["apollo"], {
    cwd: ROOT,
    execArgv: built === undefined ? ["--import", "tsx"] : [],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      BENCH_LEAN_ANSWER: JSON.stringify(answer),
    },
    stdio: ["ignore", out, "inherit", "ipc"],
  });
  closeSync(out);
  const ready = await nextMessage(child, "ready");
  return {
    url: ready.url as string,
    headers: ready.headers as Record<string, string>,
    ...probesOf(child),
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.send({ kind: "stop" });
      }),
  };
}

/**
 * Creates `count` customers (10 accounts over 3 authorizations each) in the gateway's sandbox and
 * warms the read model with each one's dashboards; returns their `Authorization` headers and the
 * first one's rich dashboard answer (which the baseline serves).
 */
async function warmCustomers(
  gateway: LeanGateway,
  count: number,
): Promise<{ authorizations: string[]; answer: GraphQLData }> {
  const control = sandboxControl(gateway.sandboxUrl);
  const authorizations: string[] = [];
  let answer: GraphQLData | undefined;
  for (let index = 0; index < count; index++) {
    const customer = await control.createCustomer(10, 3);
    const authorization = await gateway.authorizationFor(customer.id);
    const headers = { "content-type": "application/json", authorization };
    // Twice: the first fills the read model, the second is answered from it.
    await fetchDashboard(gateway.graphqlUrl, headers);
    const data = await fetchDashboard(gateway.graphqlUrl, headers);
    await fetchDashboard(gateway.graphqlUrl, headers, SMALL_DASHBOARD_BODY);
    answer ??= data;
    authorizations.push(authorization);
  }
  return { authorizations, answer: answer ?? {} };
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
      headersInTurn: target.headersInTurn,
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

/** Runs the section: the three comparisons, then the profile when asked. Stops every process it started. */
export async function runLeanSection(
  options: LeanOptions,
  progress: (message: string) => void,
): Promise<LeanResults> {
  const logFile = join(tmpdir(), `bench-lean-gateway-${process.pid}.log`);
  const built = options.built ? await builtTarget(ROOT, TARGET) : undefined;
  progress(
    `lean: starting the gateway (NODE_ENV=production, info logs to a file, metrics, auth, limits on; sandbox apart) and a bare Apollo, ${built ? "built, under plain node" : "under tsx"}`,
  );
  const production = await startLeanGateway(built !== undefined, logFile);
  let baseline: ChildTarget | undefined;
  try {
    progress(`lean: ${options.customers} customers, warming the read model`);
    const { authorizations, answer } = await warmCustomers(production, options.customers);
    const gateway: ChildTarget = {
      url: production.graphqlUrl,
      headers: { "content-type": "application/json" },
      headersInTurn: authorizations.map((authorization) => ({ authorization })),
      ...probesOf(production.child),
      stop: () => production.stop(),
    };
    baseline = await startApollo(`${logFile}.apollo`, answer, built);
    // The same tokens go to Apollo (unread there), so both parse the same requests.
    baseline.headersInTurn = gateway.headersInTurn;
    const comparisons: Record<LeanQuery, LeanComparison> = {} as Record<LeanQuery, LeanComparison>;
    for (const query of ["floor", "small", "dashboard"] as const) {
      const load = LOADS[query];
      comparisons[query] = await compare(
        load.title,
        load.body,
        gateway,
        baseline,
        options,
        progress,
      );
    }
    const { floor, small, dashboard } = comparisons;
    if (options.profileFile !== undefined) {
      const profiled = options.profileQuery ?? "dashboard";
      const heading = (who: string) =>
        [
          `${who} ${options.profileTitle ?? "CPU profile under the warm dashboard load"}`,
          `(${options.connections} connections, ${options.customers} customers, targets ${built ? "built (plain node, dist/)" : "under tsx (src/)"}, NODE_ENV=production; regenerate: npm run bench:profile -- <label>)`,
          `measured in the same run (median of rounds, then by CPU per answer): pipeline floor ${times(floor.medianRatio)}, ${times(floor.cpuRatio)}; small dashboard ${times(small.medianRatio)}, ${times(small.cpuRatio)}; rich dashboard ${times(dashboard.medianRatio)}, ${times(dashboard.cpuRatio)} of bare Apollo`,
        ].join("\n");
      const targets: [ChildTarget, string, string][] = [[gateway, options.profileFile, "Gateway"]];
      if (options.profileBaseline === true) {
        targets.push([
          baseline,
          options.profileFile.replace(/\.txt$/, "-apollo.txt"),
          "Bare Apollo",
        ]);
      }
      for (const [target, file, who] of targets) {
        progress(`lean: profiling ${who} under the ${LOADS[profiled].title} load`);
        // The raw profile stays beside the summary (not committed: bench/profiles/*.cpuprofile is
        // ignored) for a closer look in Chrome DevTools or VS Code.
        const raw = `${file.replace(/\.txt$/, "")}.cpuprofile`;
        await target.profile(raw, () =>
          runLoad({
            body: LOADS[profiled].body,
            url: target.url,
            headers: target.headers,
            headersInTurn: target.headersInTurn,
            connections: options.connections,
            durationSeconds: Math.max(5, options.durationSeconds),
            warmupSeconds: 0,
          }),
        );
        const profile = JSON.parse(await readFile(raw, "utf8")) as CpuProfile;
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, summariseProfile(profile, heading(who)));
        progress(`lean: profile summary written to ${file}`);
      }
    }
    return {
      runtime: built ? "built" : "tsx",
      connections: options.connections,
      customers: options.customers,
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      floor,
      small,
      dashboard,
    };
  } finally {
    await baseline?.stop();
    await production.stop();
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
  const comparisons = [results.floor, results.small, results.dashboard];
  const rows = comparisons.flatMap((comparison) => [
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
  const figure = (comparison: LeanComparison) =>
    `${times(comparison.medianRatio)} of bare Apollo's throughput (median of the rounds), ${times(comparison.cpuRatio)} by CPU per answer`;
  return [
    `Lean path: gateway as production runs it (dist/main.js, NODE_ENV=production, info logs to a file; auth, limits, metrics on; warm read model) against a bare Apollo Server 5 standalone answering from memory, each in its own process (${results.runtime === "built" ? "built, plain node" : "tsx"}); ${results.connections} connections, ${results.customers} customers in turn, ${results.rounds} alternating rounds of ${results.durationSeconds} s`,
    table(["query", "target", "req/s", "p50 ms", "p99 ms", "failed"], rows),
    ...comparisons.map(
      (comparison) =>
        `${comparison.query}: gateway / bare Apollo by round ${comparison.roundRatios.map((value) => value.toFixed(2)).join(", ")}`,
    ),
    ...comparisons.flatMap((comparison) => {
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
    `Pipeline floor ({ __typename } with a token): ${figure(results.floor)}`,
    `Small dashboard (issue 23; 10 accounts: id, status, health state, authorization): ${figure(results.small)}`,
    `Rich dashboard (the bench's query, 10 accounts): ${figure(results.dashboard)}`,
  ].join("\n");
}

/**
 * The section's settings from the environment on top of the bench's own durations:
 * BENCH_LEAN_ROUNDS (default 4), BENCH_LEAN_CONNECTIONS (default 16, issue 23's; the bench's
 * BENCH_CONNECTIONS is not used here), BENCH_LEAN_CUSTOMERS (default 20), BENCH_LEAN_BUILT.
 */
export function readLeanOptions(
  base: { durationSeconds: number; warmupSeconds: number },
  env: NodeJS.ProcessEnv = process.env,
): LeanOptions {
  return {
    durationSeconds: base.durationSeconds,
    warmupSeconds: base.warmupSeconds,
    rounds: intFrom(env, "BENCH_LEAN_ROUNDS", 4, 1, 20),
    connections: intFrom(env, "BENCH_LEAN_CONNECTIONS", 16, 1, 1_000),
    customers: intFrom(env, "BENCH_LEAN_CUSTOMERS", 20, 1, 200),
    built: env.BENCH_LEAN_BUILT !== "0",
  };
}
