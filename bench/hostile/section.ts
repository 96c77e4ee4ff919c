/**
 * The "hostile load" section (issue 20): a victim customer's warm dashboard, p50 and p90, alone
 * and while one flood of the second adversarial review runs (large anonymous bodies, distinct
 * large documents, unknown ids past the miss budget, validation-heavy documents), as ratios in
 * one run. The gateway and the sandbox are the built artifacts in processes of their own
 * (NODE_ENV=production); each flood runs in a process of its own; the victim is timed here.
 * Also reports, per flood, the gateway's resident memory before and after, the Stripe requests
 * the flood caused (sandbox counter) and whether the gateway survived.
 */
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { settledCounts } from "../calls.js";
import { fixed, ratio, table, times } from "../format.js";
import { intFrom } from "../options.js";
import { DASHBOARD_BODY } from "../query.js";
import { sandboxControl } from "../sandbox-control.js";
import { type BuiltProcesses, startBuiltProcesses } from "./built-processes.js";
import type { FloodOutcome } from "./flood-worker.js";
import { FLOOD_DESCRIPTIONS, FLOOD_KINDS, type FloodKind } from "./floods.js";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Settings of the section (environment, read once). */
export interface HostileOptions {
  /** Seconds the victim is timed alone, and again during each flood (BENCH_HOSTILE_SECONDS, 8). */
  seconds: number;
  /** Requests each flood keeps in flight (BENCH_HOSTILE_CONCURRENCY, 8). */
  concurrency: number;
}

/** Reads the section's settings; throws naming the variable when one is out of range. */
export function readHostileOptions(env: NodeJS.ProcessEnv = process.env): HostileOptions {
  return {
    seconds: intFrom(env, "BENCH_HOSTILE_SECONDS", 8, 1, 600),
    concurrency: intFrom(env, "BENCH_HOSTILE_CONCURRENCY", 8, 1, 1_000),
  };
}

/** The victim's dashboards over one timed window. */
export interface VictimFigures {
  answered: number;
  /** Answers that were not a 200 GraphQL success. */
  failed: number;
  p50Ms: number;
  p90Ms: number;
}

/** One flood's figures. */
export interface FloodFigures {
  kind: FloodKind;
  description: string;
  alone: VictimFigures;
  flooded: VictimFigures;
  p50Ratio: number | null;
  p90Ratio: number | null;
  flood: FloodOutcome;
  /**
   * `/v1` requests the sandbox received from the flood's start until they stopped (the victim's
   * warm reads make none).
   */
  stripeRequests: number;
  gatewayRssMb: { before: number | null; after: number | null };
  /**
   * The share of one core the gateway used while the victim was timed during the flood, and the
   * flood's own process over its run (the attacker shares this machine's cores; a real one
   * would not), in percent; null when unreadable.
   */
  cpuPercent: { gateway: number | null; floodClient: number };
  gatewayAlive: boolean;
}

/** The section's figures: bench/results/hostile.json. */
export interface HostileResults {
  options: HostileOptions;
  floods: FloodFigures[];
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;

/** Times the victim's dashboard on two sequential loops for `seconds`. */
async function timeVictim(
  url: string,
  authorization: string,
  seconds: number,
): Promise<VictimFigures> {
  const headers = { "content-type": "application/json", authorization };
  const durations: number[] = [];
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/graphql`, {
          method: "POST",
          headers,
          body: DASHBOARD_BODY,
        });
        const answer = (await response.json()) as { errors?: unknown; data?: unknown };
        if (response.status !== 200 || answer.errors !== undefined || !answer.data) failed += 1;
        else durations.push(performance.now() - started);
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all([loop(), loop()]);
  durations.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    answered: durations.length,
    failed,
    p50Ms: round(percentile(durations, 0.5)),
    p90Ms: round(percentile(durations, 0.9)),
  };
}

/** Runs one flood in its own process for `seconds`; resolves with its outcome. */
function runFlood(
  kind: FloodKind,
  url: string,
  authorization: string,
  options: HostileOptions,
): Promise<FloodOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn("node", ["--import", "tsx", "bench/hostile/flood-worker.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        FLOOD_KIND: kind,
        FLOOD_URL: url,
        FLOOD_AUTHORIZATION: authorization,
        FLOOD_SECONDS: String(options.seconds),
        FLOOD_CONCURRENCY: String(options.concurrency),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`flood ${kind} exited ${code}`));
      else resolve(JSON.parse(output.trim()) as FloodOutcome);
    });
  });
}

async function measureFlood(
  kind: FloodKind,
  processes: BuiltProcesses,
  victim: string,
  flooder: string,
  options: HostileOptions,
  progress: (message: string) => void,
): Promise<FloodFigures> {
  const sandbox = sandboxControl(processes.sandboxUrl);
  // Whatever the previous flood left queued at the Stripe limiter drains first.
  await settledCounts(sandbox, 60_000);
  progress(`hostile load: victim alone before ${kind}`);
  const alone = await timeVictim(processes.gatewayUrl, victim, options.seconds);
  const before = await processes.gatewayRssMb();
  await sandbox.resetRequests();
  progress(`hostile load: ${kind} flood (${options.concurrency} in flight, ${options.seconds} s)`);
  const floodDone = runFlood(kind, processes.gatewayUrl, flooder, options);
  const cpuBefore = await processes.gatewayCpuMs();
  const timedFrom = performance.now();
  const flooded = await timeVictim(processes.gatewayUrl, victim, options.seconds);
  const cpuAfter = await processes.gatewayCpuMs();
  const timedMs = performance.now() - timedFrom;
  const flood = await floodDone;
  // Lookups a flood queued go on after its clients gave up: counted until they stop.
  const stripeRequests = (await settledCounts(sandbox, 60_000)).total;
  const after = await processes.gatewayRssMb();
  return {
    kind,
    description: FLOOD_DESCRIPTIONS[kind],
    alone,
    flooded,
    p50Ratio: ratio(flooded.p50Ms, alone.p50Ms),
    p90Ratio: ratio(flooded.p90Ms, alone.p90Ms),
    flood,
    stripeRequests,
    gatewayRssMb: { before, after },
    cpuPercent: {
      gateway:
        cpuBefore === null || cpuAfter === null
          ? null
          : Math.round((100 * (cpuAfter - cpuBefore)) / timedMs),
      floodClient: Math.round((100 * flood.cpuMs) / (options.seconds * 1000)),
    },
    gatewayAlive: processes.gatewayAlive(),
  };
}

/** Runs every flood against one built gateway; stops early (reporting it) if the gateway died. */
export async function runHostileSection(
  options: HostileOptions,
  progress: (message: string) => void,
): Promise<HostileResults> {
  const processes = await startBuiltProcesses(join(tmpdir(), `bench-hostile-${process.pid}.log`));
  try {
    const sandbox = sandboxControl(processes.sandboxUrl);
    const victimCustomer = await sandbox.createCustomer(10, 3);
    const flooderCustomer = await sandbox.createCustomer(10, 3);
    const victim = await processes.authorizationFor(victimCustomer.id);
    const flooder = await processes.authorizationFor(flooderCustomer.id);
    // Warm both customers' read model: the victim's dashboard makes no Stripe call from here on.
    await timeVictim(processes.gatewayUrl, victim, 1);
    await timeVictim(processes.gatewayUrl, flooder, 1);
    const floods: FloodFigures[] = [];
    for (const kind of FLOOD_KINDS) {
      const figures = await measureFlood(kind, processes, victim, flooder, options, progress);
      floods.push(figures);
      if (!figures.gatewayAlive) {
        progress(`hostile load: the gateway DIED during ${kind}; see ${processes.logFile}`);
        break;
      }
    }
    return { options, floods };
  } finally {
    await processes.close();
  }
}

const statuses = (outcome: FloodOutcome) =>
  Object.entries(outcome.statuses)
    .map(([status, count]) => `${count}x${status}`)
    .join(" ") +
  (outcome.connectionErrors > 0 ? ` ${outcome.connectionErrors}xreset` : "") +
  (outcome.timeouts > 0 ? ` ${outcome.timeouts}xtimeout` : "");

/** The section as plain text: one row per flood, the ratios last. */
export function formatHostile(results: HostileResults): string {
  const rows = results.floods.map((flood) => [
    flood.kind,
    `${fixed(flood.alone.p50Ms, 1)} / ${fixed(flood.alone.p90Ms, 1)}`,
    `${fixed(flood.flooded.p50Ms, 1)} / ${fixed(flood.flooded.p90Ms, 1)}`,
    times(flood.p50Ratio),
    times(flood.p90Ratio),
    String(flood.flooded.failed),
    `${flood.flood.sent}: ${statuses(flood.flood)}`,
    String(flood.stripeRequests),
    `${flood.gatewayRssMb.before ?? "?"} -> ${flood.gatewayRssMb.after ?? "?"}`,
    `${flood.cpuPercent.gateway ?? "?"} / ${flood.cpuPercent.floodClient}`,
    flood.gatewayAlive ? "yes" : "DIED",
  ]);
  return [
    `Hostile load: a victim's warm dashboard (2 sequential loops, ${results.options.seconds} s) alone and during each flood (${results.options.concurrency} in flight, own process); built gateway, NODE_ENV=production`,
    table(
      [
        "flood",
        "alone p50/p90 ms",
        "flooded p50/p90 ms",
        "p50 ratio",
        "p90 ratio",
        "victim failed",
        "flood requests: answers",
        "Stripe reqs",
        "gateway RSS MB",
        "CPU % gateway / flood client",
        "alive",
      ],
      rows,
    ),
    ...results.floods.map((flood) => `  ${flood.kind}: ${flood.description}`),
  ].join("\n");
}
