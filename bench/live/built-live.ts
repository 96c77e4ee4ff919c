/**
 * The live section's servers as production runs them, each in its own process: the built sandbox
 * (`node dist/sandbox/main.js`), the built gateway (`gateway-process.ts` bundled against `dist/`:
 * `dist/main.js` with the bench's probes, NODE_ENV=production, info logs to a file), and the bare
 * baseline (`baseline-process.ts`, bundled). Gateway and baseline run under `node --expose-gc` so
 * that their memory can be read after a forced GC. Needs a fresh `npm run build`.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { freePort, stopChild } from "../child-processes.js";
import { builtTarget } from "../lean/built-target.js";
import type { StripeLimitSetting } from "./options.js";
import type { ProbeAnswer, ProbeQuestion } from "./process-probes.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const START_TIMEOUT_MS = 60_000;

/** The production environment of the section's gateways and sandbox (secrets made up for the bench). */
const LIVE_ENV = {
  NODE_ENV: "production",
  STRIPE_WEBHOOK_SECRET: "whsec_benchLiveSectionSecret0001",
  AUTH_JWT_SECRET: "a-bench-live-section-secret-of-32-chars",
  METRICS_TOKEN: "bench-live-metrics-token",
  LOG_LEVEL: "info",
  HOST: "127.0.0.1",
  STRIPE_MAX_RETRIES: "0",
  // Subscriptions spend their cost at subscribe: 10,000 of them on 100 customers is no abuse here.
  RATE_LIMIT_COST_PER_MINUTE: "1000000000000",
} as const;

/**
 * STRIPE_RATE_LIMIT_PER_SECOND for a limit setting. Lifted: the sandbox has no quota, and at
 * Stripe's test-mode 25/s the figures would show the limiter's setting wherever the gateway reads
 * Stripe. Default: unset, the gateway's own (25/s for a test key), as a deployment runs it.
 */
function stripeLimitEnv(limit: StripeLimitSetting): Record<string, string> {
  if (limit === "default") return {};
  return { STRIPE_RATE_LIMIT_PER_SECOND: limit === "lifted" ? "10000" : String(limit) };
}

/** A process of the section that answers the bench's probes (see process-probes.ts). */
export interface ProbedProcess {
  pid: number;
  /** Resident memory and used heap after a forced GC, bytes. */
  memory(): Promise<{ rssBytes: number; heapUsedBytes: number }>;
  /** CPU time (user + system) since it started, microseconds. */
  cpuMicros(): Promise<number>;
  /** Starts the V8 CPU profiler; the returned function stops it and writes the profile to `file`. */
  profile(): Promise<(file: string) => Promise<void>>;
  /** Writes a V8 heap snapshot of the process to `file`. */
  heapSnapshot(file: string): Promise<void>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it exited. */
  close(): Promise<void>;
}

/** A built gateway of the section. */
export interface LiveGateway extends ProbedProcess {
  /** http:// base URL. */
  url: string;
  /** ws:// URL of its graphql-ws endpoint. */
  wsUrl: string;
  /** Its graphql-sse endpoint. */
  sseUrl: string;
  /** Its Stripe webhook endpoint. */
  webhookUrl: string;
  /** The secret its webhook endpoint accepts. */
  webhookSecret: string;
  /** The Stripe limit it runs under, requests per second (its configuration's). */
  stripeRateLimitPerSecond: number;
  /** The `Authorization` header value that signs a socket or stream in as `customerId`. */
  authorizationFor(customerId: string): Promise<string>;
}

/** The bare baseline of the section. */
export interface LiveBaseline extends ProbedProcess {
  wsUrl: string;
  sseUrl: string;
  publishUrl: string;
}

/** The probes of a forked child: each question's answer is the next message of its kind. */
function probed(child: ChildProcess): ProbedProcess {
  const waiting = new Map<string, ((answer: ProbeAnswer) => void)[]>();
  child.on("message", (message: ProbeAnswer) => {
    const queue = waiting.get(message.kind);
    queue?.shift()?.(message);
  });
  const ask = <K extends ProbeAnswer["kind"]>(
    question: ProbeQuestion,
    answerKind: K,
  ): Promise<Extract<ProbeAnswer, { kind: K }>> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`process ${child.pid} has exited`));
        return;
      }
      const queue = waiting.get(answerKind) ?? [];
      queue.push((answer) => resolve(answer as Extract<ProbeAnswer, { kind: K }>));
      waiting.set(answerKind, queue);
      child.send(question);
    });
  return {
    pid: child.pid ?? 0,
    memory: async () => {
      const answer = await ask({ kind: "memory" }, "memory");
      if (!answer.gc) throw new Error(`process ${child.pid} runs without --expose-gc`);
      return { rssBytes: answer.rssBytes, heapUsedBytes: answer.heapUsedBytes };
    },
    cpuMicros: async () => (await ask({ kind: "cpu" }, "cpu")).micros,
    profile: async () => {
      await ask({ kind: "profile-start" }, "profiling");
      return async (file) => {
        await ask({ kind: "profile-stop", file }, "profiled");
      };
    },
    heapSnapshot: async (file) => {
      await ask({ kind: "heap-snapshot", file }, "snapshot");
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    close: () => stopChild(child),
  };
}

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

/** Throws unless `dist/` is built. */
function requireBuild(): void {
  if (!existsSync(join(ROOT, "dist", "main.js"))) {
    throw new Error("the live section runs the built gateway: run `npm run build` first");
  }
}

/** The built sandbox, delivering no webhooks (the bench POSTs its own). */
export async function startBuiltSandbox(): Promise<{ url: string; close(): Promise<void> }> {
  requireBuild();
  const sandbox = spawn("node", ["dist/sandbox/main.js"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...LIVE_ENV,
      SANDBOX_PORT: "0",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await awaitOutput(sandbox, /listening on (http:\/\/\S+)/, "the built sandbox");
  return { url, close: () => stopChild(sandbox) };
}

/** How one gateway of the section is configured. */
export interface LiveGatewaySettings {
  sandboxUrl: string;
  /** WS_MAX_SOCKETS_PER_CUSTOMER: the layout's sockets (or streams) per customer on it. */
  socketsPerCustomer: number;
  /** HTTP_MAX_CONNECTIONS: the subscribers it will hold, plus room for webhooks and probes. */
  maxConnections: number;
  /** REDIS_URL and REDIS_KEY_PREFIX, for instances sharing events; unset: in-process bus. */
  redis?: { url: string; keyPrefix: string };
  /** Where its log lines go. */
  logFile: string;
  /** Its Stripe limit (see `stripeLimitEnv`). */
  stripeLimit: StripeLimitSetting;
}

/**
 * Starts a built gateway in its own process and resolves once `/readyz` answers 200. Rejects
 * (having stopped it) when it exits or is not ready within 60 s, naming its log file.
 */
export async function startLiveGateway(settings: LiveGatewaySettings): Promise<LiveGateway> {
  requireBuild();
  const entry = await builtTarget(
    ROOT,
    join(ROOT, "bench/live/gateway-process.ts"),
    "live-gateway",
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    ...LIVE_ENV,
    PORT: String(port),
    STRIPE_API_BASE: settings.sandboxUrl,
    WS_MAX_SOCKETS_PER_CUSTOMER: String(Math.max(10, settings.socketsPerCustomer)),
    HTTP_MAX_CONNECTIONS: String(settings.maxConnections),
    ...stripeLimitEnv(settings.stripeLimit),
    ...(settings.redis === undefined
      ? {}
      : { REDIS_URL: settings.redis.url, REDIS_KEY_PREFIX: settings.redis.keyPrefix }),
  };
  const child = fork(entry, [], {
    cwd: ROOT,
    env,
    execArgv: ["--expose-gc"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const log = createWriteStream(settings.logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.once("exit", () => log.end());
  const probes = probed(child);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!probes.alive()) throw new Error(`the built gateway exited: see ${settings.logFile}`);
    const ready = await fetch(`${url}/readyz`).then(
      (answer) => answer.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await probes.close();
      throw new Error(`the built gateway was not ready within 60 s: see ${settings.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { auth, stripe } = loadConfig({ ...env });
  return {
    ...probes,
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    sseUrl: `${url}/graphql/stream`,
    webhookUrl: `${url}/webhooks/stripe`,
    webhookSecret: LIVE_ENV.STRIPE_WEBHOOK_SECRET,
    stripeRateLimitPerSecond: stripe.rateLimit.perSecond,
    // Long enough to outlive any bench run.
    authorizationFor: async (customerId) =>
      `Bearer ${await signToken(auth, { customerId, ttlSeconds: 3600 })}`,
  };
}

/** Starts the bare baseline (`baseline-process.ts`, bundled) in its own process. */
export async function startLiveBaseline(): Promise<LiveBaseline> {
  const entry = await builtTarget(
    ROOT,
    join(ROOT, "bench/live/baseline-process.ts"),
    "live-baseline",
  );
  const child = fork(entry, [], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production" },
    execArgv: ["--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<{ wsUrl: string; sseUrl: string; publishUrl: string }>(
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("the baseline: no start within 60 s")),
        START_TIMEOUT_MS,
      );
      child.on("message", (message: { kind?: string }) => {
        if (message.kind !== "ready") return;
        clearTimeout(timer);
        resolve(message as { wsUrl: string; sseUrl: string; publishUrl: string });
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the baseline exited ${code}`));
      });
    },
  );
  return { ...probed(child), ...ready };
}
