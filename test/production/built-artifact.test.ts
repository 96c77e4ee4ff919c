/**
 * The built artifact, with production dependencies only, as the Dockerfile makes it. No
 * container runtime here: the Dockerfile's stages are parsed and their very COPY and RUN steps
 * run as plain commands in a temporary directory (test/support/dockerfile.ts), so the test and the
 * Dockerfile cannot drift. Then the runtime stage's CMD starts the gateway against the standalone
 * sandbox started from the same tree, as compose.yaml does.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundAssets } from "../../src/playground/assets.js";
import {
  type BuiltStage,
  buildStages,
  type Instruction,
  parseDockerfile,
  readDockerfile,
  type Stage,
  UnsupportedDockerfile,
} from "../support/dockerfile.js";
import { STRIPE_READING_DASHBOARD } from "../support/rate-limited-upstream.js";
import { REDIS_URL } from "../support/redis.js";
import { ControlApi } from "../support/sandbox-control.js";
import { waitFor } from "../support/wait.js";

const REPO = new URL("../../", import.meta.url).pathname;
const runFile = promisify(execFile);

/** Two npm installs and a tsc build on a loaded machine: minutes, not seconds. */
const BUILD_TIMEOUT_MS = 600_000;
/** Start-up and shutdown of a process on a loaded machine. */
const PROCESS_TIMEOUT_MS = 60_000;

const WEBHOOK_SECRET = "whsec_builtArtifactTestSecret01";
const GATEWAY_ENV = {
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  AUTH_JWT_SECRET: "a-built-artifact-secret-of-at-least-32-chars",
  REDIS_URL,
  REDIS_KEY_PREFIX: `built-artifact-${randomUUID().slice(0, 8)}`,
  GRAPHQL_LANDING_PAGE: "true",
  LOG_LEVEL: "info",
};

/** What every step and process gets from this machine: the tools and npm's cache, nothing more. */
const machineEnv = (): Record<string, string> => {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
  };
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
  return env;
};

const stepsOf = (stage: Stage | undefined, kind: Instruction["kind"]) =>
  (stage?.instructions ?? []).filter((step) => step.kind === kind);

/** A free TCP port now (the sandbox must know the gateway's webhook URL before it starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A started process with its output so far and its exit. */
interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(argv: string[], cwd: string, env: Record<string, string>): Started {
  const [command = "", ...args] = argv;
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Waits for `probe`, failing at once with the process's output if it exits first. */
async function whileRunning<T>(
  started: Started,
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  let exit: unknown;
  void started.exited.then((status) => {
    exit = status;
  });
  return waitFor(
    async () => {
      if (exit !== undefined) {
        throw new Error(`${what}: exited ${JSON.stringify(exit)}:\n${started.output()}`);
      }
      return probe();
    },
    what,
    PROCESS_TIMEOUT_MS,
    100,
  );
}

const answers = async (url: string) => {
  try {
    return (await fetch(url)).ok ? true : undefined;
  } catch {
    return undefined;
  }
};

describe("the Dockerfile, as the test runs it", () => {
  const stages = readDockerfile(join(REPO, "Dockerfile"));
  const [build, runtime] = stages;

  it("has a build stage and a runtime stage that installs production dependencies only", () => {
    expect(stages.map((stage) => stage.name)).toEqual(["build", "runtime"]);
    const buildRuns = stepsOf(build, "RUN").map((step) =>
      step.kind === "RUN" ? step.command : "",
    );
    expect(buildRuns.some((command) => /^npm ci\b/.test(command))).toBe(true);
    expect(buildRuns).toContain("npm run build");
    const runtimeRuns = stepsOf(runtime, "RUN").map((step) =>
      step.kind === "RUN" ? step.command : "",
    );
    expect(runtimeRuns).toHaveLength(1);
    expect(runtimeRuns[0]).toMatch(/^npm ci --omit=dev\b/);
    // Only the compiled tree comes from the build stage, never its node_modules.
    const fromBuild = stepsOf(runtime, "COPY").flatMap((step) =>
      step.kind === "COPY" && step.from !== undefined ? step.sources : [],
    );
    expect(fromBuild).toEqual(["/app/dist"]);
  });

  it("runs as a non-root user, checks /healthz and starts node itself in exec form", () => {
    const users = stepsOf(runtime, "USER").map((step) => (step.kind === "USER" ? step.user : ""));
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const [healthcheck] = stepsOf(runtime, "HEALTHCHECK");
    expect(healthcheck?.kind === "HEALTHCHECK" && healthcheck.argv.join(" ")).toContain("/healthz");
    const cmds = stepsOf(runtime, "CMD").map((step) => (step.kind === "CMD" ? step.argv : []));
    expect(cmds).toEqual([["node", "dist/main.js"]]);
  });

  it.each([
    ["an instruction it does not model", "FROM node AS a\nADD . /app"],
    ["a build argument", "FROM node AS a\nARG VERSION"],
    ["a CMD in shell form", "FROM node AS a\nCMD node dist/main.js"],
    ["a COPY option other than --from", "FROM node AS a\nCOPY --chown=node:node . ."],
    ["a RUN mount other than a cache", "FROM node AS a\nRUN --mount=type=secret,id=npm npm ci"],
    ["an unnamed stage", "FROM node\nRUN npm ci"],
  ])("is refused by the test's runner when it holds %s, rather than skipped", (_, text) => {
    expect(() => parseDockerfile(text)).toThrow(UnsupportedDockerfile);
  });

  it("copies nothing the .dockerignore leaves out of the build context", () => {
    const ignored = readFileSync(join(REPO, ".dockerignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    const pattern = (entry: string) =>
      new RegExp(`^${entry.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/|$)`);
    const fromContext = stages.flatMap((stage) =>
      stepsOf(stage, "COPY").flatMap((step) =>
        step.kind === "COPY" && step.from === undefined ? step.sources : [],
      ),
    );
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext) {
      expect(ignored.filter((entry) => pattern(entry).test(source))).toEqual([]);
    }
  });
});

describe("the built artifact, production dependencies only", () => {
  const stages = readDockerfile(join(REPO, "Dockerfile"));
  let directory: string;
  let runtime: BuiltStage;
  let appEnv: Record<string, string>;
  let sandbox: Started;
  let gateway: Started;
  let sandboxUrl: string;
  let gatewayUrl: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "built-artifact-"));
    const built = await buildStages(stages, {
      context: REPO,
      directory,
      // npm's cache of this machine, preferred over the registry: a Docker build starts empty.
      baseEnv: { ...machineEnv(), npm_config_prefer_offline: "true" },
    });
    const last = built.at(-1);
    if (last === undefined) throw new Error("the Dockerfile has no stage");
    runtime = last;

    const gatewayPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    sandbox = start(["node", "dist/sandbox/main.js"], runtime.workdir, {
      ...machineEnv(),
      ...runtime.env,
      SANDBOX_PORT: "0",
      SANDBOX_WEBHOOK_URL: `${gatewayUrl}/webhooks/stripe`,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    sandboxUrl = await whileRunning(sandbox, "the standalone sandbox to listen", async () => {
      return /listening on (http:\/\/\S+)/.exec(sandbox.output())?.[1];
    });
    appEnv = {
      ...machineEnv(),
      ...runtime.env,
      ...GATEWAY_ENV,
      PORT: String(gatewayPort),
      STRIPE_API_BASE: sandboxUrl,
    };
    gateway = start(runtime.cmd ?? [], runtime.workdir, appEnv);
    await whileRunning(gateway, "the gateway to answer /healthz", () =>
      answers(`${gatewayUrl}/healthz`),
    );
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    for (const started of [gateway, sandbox]) {
      if (started !== undefined && started.child.exitCode === null) {
        started.child.kill("SIGKILL");
        await started.exited;
      }
    }
    // Two node_modules trees: deleting them takes a while on a loaded machine.
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  }, BUILD_TIMEOUT_MS);

  it("holds production dependencies only: no TypeScript, tsx or vitest, no sources", () => {
    const modules = join(runtime.workdir, "node_modules");
    expect(existsSync(join(modules, "graphql"))).toBe(true);
    for (const devDependency of ["typescript", "tsx", "vitest", "@biomejs/biome"]) {
      expect(existsSync(join(modules, devDependency)), devDependency).toBe(false);
    }
    expect(existsSync(join(runtime.workdir, "src"))).toBe(false);
    expect(runtime.env.NODE_ENV).toBe("production");
  });

  it(
    "answers /healthz with 200, and the Dockerfile's HEALTHCHECK command passes",
    async () => {
      expect((await fetch(`${gatewayUrl}/healthz`)).status).toBe(200);
      const [command = "", ...args] = runtime.healthcheck ?? [];
      await expect(
        runFile(command, args, { cwd: runtime.workdir, env: appEnv, timeout: PROCESS_TIMEOUT_MS }),
      ).resolves.toBeDefined();
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    "answers a dashboard query read from the sandbox, with a token from the built token CLI",
    async () => {
      const [alice] = await new ControlApi(sandboxUrl).customers();
      const { stdout } = await runFile("node", ["dist/auth/token-cli.js", alice?.id ?? ""], {
        cwd: runtime.workdir,
        env: appEnv,
      });
      const response = await fetch(`${gatewayUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${stdout.trim()}` },
        body: JSON.stringify({ query: STRIPE_READING_DASHBOARD }),
      });
      const body = (await response.json()) as {
        data?: { accounts: { nodes: { id: string }[] } };
        errors?: unknown;
      };
      expect(response.status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data?.accounts.nodes.map((node) => node.id).sort()).toEqual(
        [...(alice?.accounts ?? [])].sort(),
      );
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    "acknowledges the standalone sandbox's signed webhooks",
    async () => {
      const control = new ControlApi(sandboxUrl);
      const [, bob] = await control.customers();
      const { events } = await control.account(bob?.accounts[0] ?? "", "deactivate");
      expect(events.length).toBeGreaterThan(0);
      for (const eventId of events) await control.acknowledged(eventId, PROCESS_TIMEOUT_MS);
    },
    PROCESS_TIMEOUT_MS,
  );

  it("serves GraphiQL and every asset it loads from the built tree (GRAPHQL_LANDING_PAGE=true)", async () => {
    expect((await fetch(`${gatewayUrl}/graphiql`)).status).toBe(200);
    for (const name of playgroundAssets().keys()) {
      const response = await fetch(`${gatewayUrl}/graphiql/assets/${name}`);
      expect(response.status, name).toBe(200);
      expect((await response.text()).length, name).toBeGreaterThan(0);
    }
    const client = await fetch(`${gatewayUrl}/graphiql/assets/graphiql-client.js`);
    expect(await client.text()).toBe(
      readFileSync(join(REPO, "src/playground/graphiql-client.js"), "utf8"),
    );
  });

  it(
    "ends cleanly on SIGTERM: exit code 0, the gateway and the sandbox alike",
    async () => {
      gateway.child.kill("SIGTERM");
      expect(await gateway.exited, gateway.output()).toEqual({ code: 0, signal: null });
      expect(gateway.output()).toContain("shutting down");
      sandbox.child.kill("SIGTERM");
      expect(await sandbox.exited, sandbox.output()).toEqual({ code: 0, signal: null });
    },
    PROCESS_TIMEOUT_MS,
  );
});
