/**
 * The hostile-load section's servers as production runs them: the built sandbox
 * (`node dist/sandbox/main.js`) and the built gateway (`node dist/main.js`, NODE_ENV=production,
 * info logs to a file), each in its own process. Needs a fresh `npm run build` (`npm run bench`
 * runs it first).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { freePort, stopChild } from "../child-processes.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const START_TIMEOUT_MS = 60_000;

/** The production environment both processes share (secrets made up for the bench). */
export const HOSTILE_ENV = {
  NODE_ENV: "production",
  STRIPE_WEBHOOK_SECRET: "whsec_benchHostileLoadSecret01",
  AUTH_JWT_SECRET: "a-bench-hostile-load-secret-of-32-chars",
  METRICS_TOKEN: "bench-hostile-metrics-token",
  LOG_LEVEL: "info",
  // The per-customer cost budget is lifted (as in the lean section) so the victim's ~2,500-cost
  // dashboards are never refused: the floods meet the bounds under test, not this budget.
  RATE_LIMIT_COST_PER_MINUTE: "1000000000000",
} as const;

/** The built sandbox and gateway, running. */
export interface BuiltProcesses {
  sandboxUrl: string;
  gatewayUrl: string;
  /** Where the gateway's log lines go. */
  logFile: string;
  /** Signs a bearer header value for `customerId`, as the gateway verifies it. */
  authorizationFor(customerId: string): Promise<string>;
  /** The gateway process's resident memory in MB (Linux /proc), or null when unreadable. */
  gatewayRssMb(): Promise<number | null>;
  /**
   * CPU time the gateway process has used so far, user and system, all its threads, in ms
   * (Linux /proc, 10 ms ticks), or null when unreadable.
   */
  gatewayCpuMs(): Promise<number | null>;
  /** Whether the gateway process is still running. */
  gatewayAlive(): boolean;
  /** Stops both (SIGTERM, then SIGKILL after 10 s). */
  close(): Promise<void>;
}

/** Milliseconds per clock tick of /proc's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICK_MS = 10;

/** Resolves with the first match of `pattern` in the child's stdout, or rejects when it exits. */
function awaitOutput(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`${what}: no start within 60 s`)),
      START_TIMEOUT_MS,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? "");
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited ${code}: ${seen.slice(-2000)}`));
    });
  });
}

/**
 * Starts the built sandbox, then the built gateway over it (`gatewayNodeArgs` before the script,
 * e.g. `--cpu-prof`; `gatewayEnv` over HOSTILE_ENV); throws when `dist/` is missing.
 */
export async function startBuiltProcesses(
  logFile: string,
  gatewayNodeArgs: readonly string[] = [],
  gatewayEnv: Record<string, string> = {},
): Promise<BuiltProcesses> {
  if (!existsSync(join(ROOT, "dist", "main.js"))) {
    throw new Error("the hostile-load section runs the built gateway: run `npm run build` first");
  }
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...HOSTILE_ENV };
  const sandbox = spawn("node", ["dist/sandbox/main.js"], {
    cwd: ROOT,
    env: { ...base, SANDBOX_PORT: "0", SANDBOX_WEBHOOK_URL: `${gatewayUrl}/webhooks/stripe` },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const sandboxUrl = await awaitOutput(sandbox, /listening on (http:\/\/\S+)/, "the built sandbox");
  const env = { ...base, ...gatewayEnv, PORT: String(gatewayPort), STRIPE_API_BASE: sandboxUrl };
  const gateway = spawn("node", [...gatewayNodeArgs, "dist/main.js"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(logFile);
  gateway.stdout?.pipe(log);
  gateway.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => gateway.once("exit", () => resolve()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (gateway.exitCode !== null) throw new Error(`the built gateway exited: see ${logFile}`);
    const ok = await fetch(`${gatewayUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the built gateway did not start: see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { auth } = loadConfig({ ...env });
  return {
    sandboxUrl,
    gatewayUrl,
    logFile,
    authorizationFor: async (customerId) =>
      `Bearer ${await signToken(auth, { customerId, ttlSeconds: 3600 })}`,
    gatewayRssMb: async () => {
      try {
        const status = await readFile(`/proc/${gateway.pid}/status`, "utf8");
        const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
        return kb === undefined ? null : Math.round(Number(kb) / 1024);
      } catch {
        return null;
      }
    },
    gatewayCpuMs: async () => {
      try {
        const stat = await readFile(`/proc/${gateway.pid}/stat`, "utf8");
        // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
      } catch {
        return null;
      }
    },
    gatewayAlive: () => gateway.exitCode === null && gateway.signalCode === null,
    close: async () => {
      await stopChild(gateway);
      await exited;
      await stopChild(sandbox);
      log.end();
    },
  };
}
