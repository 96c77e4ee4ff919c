/**
 * The built artifact, with production dependencies only, as the Dockerfile makes it. No
 * container runtime here: the Dockerfile's stages are parsed and their very COPY and RUN steps
 * run as plain commands in a temporary directory (test/support/dockerfile.ts), so the test and the
 * Dockerfile cannot drift. Then the runtime stage's CMD starts the gateway against the standalone
 * sandbox started from the same tree, as compose.yaml does.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
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
  dockerignoreMatcher,
  type Instruction,
  nodeMajorOf,
  parseDockerfile,
  readDockerfile,
  readDockerignore,
  rootOwnedReadOnly,
  type Stage,
  UnsupportedDockerfile,
  userIds,
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

/** Who a process of the image runs as: the runtime stage's USER. */
interface RunAs {
  uid: number;
  gid: number;
}

function start(argv: string[], cwd: string, env: Record<string, string>, user?: RunAs): Started {
  const [command = "", ...args] = argv;
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], ...user });
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

  it("names a node image of the Node major this machine builds and runs with (FROM)", () => {
    const hostMajor = Number(process.versions.node.split(".")[0]);
    for (const stage of stages) expect(nodeMajorOf(stage.image), stage.image).toBe(hostMajor);
  });

  it("reads .dockerignore as Docker does: from the context root, directories whole, ! lets back in", () => {
    const ignored = dockerignoreMatcher(
      "# comment\n/dist\n*.log\n**/*.tmp\ntest\n!test/keep.ts\nsrc/**/secret?.json\n",
    );
    expect(ignored("dist")).toBe(true);
    expect(ignored("dist/main.js")).toBe(true);
    expect(ignored("npm-debug.log")).toBe(true);
    // `*.log` is the root's only; `**/` reaches into directories.
    expect(ignored("src/debug.log")).toBe(false);
    expect(ignored("src/a/b.tmp")).toBe(true);
    expect(ignored("test/a.test.ts")).toBe(true);
    expect(ignored("test/keep.ts")).toBe(false);
    expect(ignored("src/x/y/secret1.json")).toBe(true);
    expect(ignored("src/x/secret.json")).toBe(false);
    expect(ignored("src/main.ts")).toBe(false);
  });

  it("runs COPY on the build context .dockerignore leaves: left-out files stay out, a left-out source is not found", async () => {
    const context = mkdtempSync(join(tmpdir(), "docker-context-"));
    const directory = mkdtempSync(join(tmpdir(), "docker-stages-"));
    try {
      mkdirSync(join(context, "src", "deep"), { recursive: true });
      writeFileSync(join(context, "src", "main.js"), "");
      writeFileSync(join(context, "src", "deep", "debug.log"), "");
      writeFileSync(join(context, ".env"), "SECRET=1");
      const options = {
        context,
        directory,
        baseEnv: {},
        ignored: dockerignoreMatcher("**/*.log\n.env\n"),
      };
      const [built] = await buildStages(
        parseDockerfile("FROM node:20 AS a\nWORKDIR /app\nCOPY src ./src"),
        options,
      );
      expect(existsSync(join(built?.workdir ?? "", "src", "main.js"))).toBe(true);
      expect(existsSync(join(built?.workdir ?? "", "src", "deep", "debug.log"))).toBe(false);
      await expect(
        buildStages(parseDockerfile("FROM node:20 AS b\nWORKDIR /app\nCOPY .env ./"), options),
      ).rejects.toThrow("COPY .env: not in the build context (.dockerignore)");
    } finally {
      await rm(context, { recursive: true, force: true });
      await rm(directory, { recursive: true, force: true });
    }
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
  /** The runtime stage's USER, every process of the image runs as. */
  let user: RunAs;
  /** What every process of the image gets: this machine's tools, the stage's ENV, the user's HOME. */
  const imageEnv = () => ({
    ...machineEnv(),
    HOME: join(runtime.root, "home", "user"),
    ...runtime.env,
  });

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "built-artifact-"));
    // Untracked files under a copied directory (a stray .env, logs) stay out, as .dockerignore
    // keeps them out of Docker's build context.
    const built = await buildStages(stages, {
      context: REPO,
      directory,
      // npm's cache of this machine, preferred over the registry: a Docker build starts empty.
      baseEnv: { ...machineEnv(), npm_config_prefer_offline: "true" },
      ignored: readDockerignore(REPO),
    });
    const last = built.at(-1);
    if (last === undefined) throw new Error("the Dockerfile has no stage");
    runtime = last;
    // As in the image: the tree is root's and the runtime stage's USER may read it, not change it.
    rootOwnedReadOnly(runtime.root);
    user = userIds(runtime.user ?? "0");
    const home = join(runtime.root, "home", "user");
    mkdirSync(home, { recursive: true });
    chownSync(home, user.uid, user.gid);

    const gatewayPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    sandbox = start(
      ["node", "dist/sandbox/main.js"],
      runtime.workdir,
      {
        ...imageEnv(),
        SANDBOX_PORT: "0",
        SANDBOX_WEBHOOK_URL: `${gatewayUrl}/webhooks/stripe`,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      user,
    );
    sandboxUrl = await whileRunning(sandbox, "the standalone sandbox to listen", async () => {
      return /listening on (http:\/\/\S+)/.exec(sandbox.output())?.[1];
    });
    appEnv = {
      ...imageEnv(),
      ...GATEWAY_ENV,
      PORT: String(gatewayPort),
      STRIPE_API_BASE: sandboxUrl,
    };
    gateway = start(runtime.cmd ?? [], runtime.workdir, appEnv, user);
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

  it("runs as the runtime stage's unprivileged USER, who can read /app but not change it", async () => {
    expect(user.uid).not.toBe(0);
    const probe = (code: string) =>
      runFile("node", ["-e", code], { cwd: runtime.workdir, env: imageEnv(), ...user });
    await expect(probe("require('fs').readFileSync('dist/main.js')")).resolves.toBeDefined();
    for (const target of ["probe.txt", "dist/probe.txt", "node_modules/probe.txt"]) {
      await expect(
        probe(`require('fs').writeFileSync(${JSON.stringify(target)}, 'x')`),
        target,
      ).rejects.toThrow(/EACCES/);
    }
    await expect(probe("require('fs').appendFileSync('dist/main.js', '')")).rejects.toThrow(
      /EACCES/,
    );
  });

  it("holds production dependencies only: no TypeScript, tsx or vitest, no sources", () => {
    const modules = join(runtime.workdir, "node_modules");
    expect(existsSync(join(modules, "graphql"))).toBe(true);
    for (const devDependency of ["typescript", "tsx", "vitest", "@biomejs/biome"]) {
      expect(existsSync(join(modules, devDependency)), devDependency).toBe(false);
    }
    expect(existsSync(join(runtime.workdir, "src"))).toBe(false);
    expect(runtime.env.NODE_ENV).toBe("production");
  });

  it("answers /healthz with 200", async () => {
    expect((await fetch(`${gatewayUrl}/healthz`)).status).toBe(200);
  });

  it(
    "passes the Dockerfile's HEALTHCHECK with the CMD and the check run as the image runs them: no PORT set",
    async () => {
      // Without PORT the gateway listens on its default port and the check probes its own
      // default: the two must agree. A network namespace of its own (as a container has) keeps
      // that port from any other process on this machine.
      const { PORT: _port, REDIS_URL: _redis, ...withoutPort } = appEnv;
      const isolated = start(
        [
          "unshare",
          "--net",
          "--",
          "sh",
          "-c",
          'ip link set lo up && exec setpriv --reuid="$RUN_UID" --regid="$RUN_GID" --clear-groups -- "$@"',
          "sh",
          ...(runtime.cmd ?? []),
        ],
        runtime.workdir,
        { ...withoutPort, RUN_UID: String(user.uid), RUN_GID: String(user.gid) },
      );
      try {
        const url = await whileRunning(
          isolated,
          "the gateway without PORT to listen",
          async () => /(http:\/\/[^\s"]+)\/graphql\b/.exec(isolated.output())?.[1],
        );
        expect(new URL(url).port).toBe("4000");
        const [command = "", ...args] = runtime.healthcheck ?? [];
        const check = (namespace: string[]) =>
          runFile(
            "nsenter",
            [
              ...namespace,
              "--",
              "setpriv",
              `--reuid=${user.uid}`,
              `--regid=${user.gid}`,
              "--clear-groups",
              "--",
              command,
              ...args,
            ],
            { cwd: runtime.workdir, env: imageEnv(), timeout: PROCESS_TIMEOUT_MS },
          );
        await expect(check([`--net=/proc/${isolated.child.pid}/ns/net`])).resolves.toBeDefined();
        // And it is a check: in a namespace where nothing listens it fails.
        await expect(
          runFile(
            "unshare",
            ["--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", command, ...args],
            { cwd: runtime.workdir, env: imageEnv(), timeout: PROCESS_TIMEOUT_MS },
          ),
        ).rejects.toThrow();
      } finally {
        isolated.child.kill("SIGTERM");
        await isolated.exited;
      }
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
        ...user,
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
