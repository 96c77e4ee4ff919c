/**
 * The lean section's gateway as production runs it (issue 23, section 4): the built sandbox in a
 * process of its own (`node dist/sandbox/main.js`, delivering no webhooks, so the read model stays
 * warm), and the gateway's own entry point (`gateway-process.ts`: `dist/main.js` under plain node
 * with NODE_ENV=production, or `src/main.ts` under tsx when `built` is false) with info logs
 * written straight to a file, as `node dist/main.js > file` does. Needs a fresh `npm run build`.
 */
import { type ChildProcess, fork } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { freePort, stopChild } from "../child-processes.js";
import { startBuiltSandbox } from "../live/built-live.js";
import { builtTarget } from "./built-target.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENTRY = fileURLToPath(new URL("./gateway-process.ts", import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** The production environment of the section's gateway (secrets made up for the bench). */
const LEAN_ENV = {
  NODE_ENV: "production",
  STRIPE_WEBHOOK_SECRET: "whsec_benchLeanSectionSecret0001",
  AUTH_JWT_SECRET: "a-bench-lean-section-secret-of-32-chars",
  METRICS_TOKEN: "bench-lean-metrics-token",
  LOG_LEVEL: "info",
  HOST: "127.0.0.1",
  STRIPE_MAX_RETRIES: "0",
  // The local sandbox has no quota; lifted so that warming 20 customers measures no limiter.
  STRIPE_RATE_LIMIT_PER_SECOND: "10000",
  // A built gateway answers thousands of dashboards (cost ~2,500 each) a second: 100M a minute
  // ran out; lifted so the run measures work, not refusals.
  RATE_LIMIT_COST_PER_MINUTE: "1000000000000",
} as const;

/** The gateway and its sandbox, running. */
export interface LeanGateway {
  /** The gateway's process (answers the probes of `bench/live/process-probes.ts`). */
  child: ChildProcess;
  /** Its `/graphql` URL. */
  graphqlUrl: string;
  sandboxUrl: string;
  /** The `Authorization` header value of a token for `customerId`, as the gateway verifies it. */
  authorizationFor(customerId: string): Promise<string>;
  /** Stops the gateway (SIGTERM: its graceful shutdown, which drains the log) and the sandbox. */
  stop(): Promise<void>;
}

/**
 * Starts the sandbox and the gateway, its stdout and stderr into `logFile`, and resolves once
 * `/readyz` answers 200. Rejects (having stopped both) when the gateway exits or is not ready
 * within 60 s.
 */
export async function startLeanGateway(built: boolean, logFile: string): Promise<LeanGateway> {
  const sandbox = await startBuiltSandbox();
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    ...LEAN_ENV,
    PORT: String(port),
    STRIPE_API_BASE: sandbox.url,
  };
  const entry = built ? await builtTarget(ROOT, ENTRY, "lean-gateway") : ENTRY;
  const out = openSync(logFile, "w");
  const child = fork(entry, [], {
    cwd: ROOT,
    env,
    execArgv: built ? [] : ["--import", "tsx"],
    stdio: ["ignore", out, out, "ipc"],
  });
  closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const exited = child.exitCode !== null || child.signalCode !== null;
    const ready =
      !exited &&
      (await fetch(`${base}/readyz`).then(
        (answer) => answer.ok,
        () => false,
      ));
    if (ready) break;
    if (exited || Date.now() > deadline) {
      await stopChild(child);
      await sandbox.close();
      throw new Error(`the gateway did not start: see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { auth } = loadConfig({ ...env });
  return {
    child,
    graphqlUrl: `${base}/graphql`,
    sandboxUrl: sandbox.url,
    // Long enough to outlive any bench run.
    authorizationFor: async (customerId) =>
      `Bearer ${await signToken(auth, { customerId, ttlSeconds: 3600 })}`,
    stop: async () => {
      await stopChild(child);
      await sandbox.close();
    },
  };
}
