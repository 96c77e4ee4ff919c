/**
 * The Dockerfile as data, and its build run without a container runtime: each stage gets a
 * directory standing in for its file system root, COPY copies from the build context (or from an
 * earlier stage's directory), RUN runs the same command line with `sh -c` in the stage's WORKDIR,
 * with the stage's ENV. Anything else a Dockerfile may say is refused, so the Dockerfile cannot
 * grow a step these tests would silently skip.
 */
import { spawn } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
} from "node:fs";
import { basename, join, posix, relative, sep } from "node:path";

/** One instruction, as written (continuation lines joined), with its `--flag=value` options. */
export type Instruction =
  | { kind: "WORKDIR"; path: string }
  | { kind: "COPY"; from: string | undefined; sources: string[]; destination: string }
  | { kind: "RUN"; command: string; flags: Record<string, string> }
  | { kind: "ENV"; variables: Record<string, string> }
  | { kind: "USER"; user: string }
  | { kind: "EXPOSE"; ports: string[] }
  | { kind: "HEALTHCHECK"; argv: string[]; flags: Record<string, string> }
  | { kind: "CMD"; argv: string[] };

/** A `FROM <image> AS <name>` stage and its instructions in order. */
export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/** The error thrown for anything this runner does not model. */
export class UnsupportedDockerfile extends Error {
  override name = "UnsupportedDockerfile";
}

/** Parses a Dockerfile's text into its stages. Throws `UnsupportedDockerfile` on what it does not know. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const [, keyword = "", rest = ""] = /^(\S+)\s*(.*)$/s.exec(line) ?? [];
    const { flags, body } = leadingFlags(rest);
    const upper = keyword.toUpperCase();
    if (upper === "FROM") {
      const match = /^(\S+)\s+AS\s+(\S+)$/i.exec(body);
      if (match === null) throw new UnsupportedDockerfile(`every stage is named: FROM ${body}`);
      stages.push({ image: match[1] ?? "", name: match[2] ?? "", instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new UnsupportedDockerfile(`${upper} before FROM`);
    stage.instructions.push(instruction(upper, flags, body));
  }
  return stages;
}

function instruction(keyword: string, flags: Record<string, string>, body: string): Instruction {
  switch (keyword) {
    case "WORKDIR":
      return { kind: "WORKDIR", path: body };
    case "COPY": {
      const unknown = Object.keys(flags).filter((flag) => flag !== "from");
      if (unknown.length > 0) throw new UnsupportedDockerfile(`COPY --${unknown.join(", --")}`);
      const parts = body.split(/\s+/);
      const destination = parts.pop() ?? "";
      return { kind: "COPY", from: flags.from, sources: parts, destination };
    }
    case "RUN": {
      // --mount=type=cache only keeps npm's cache out of the image; nothing else is modelled.
      const unknown = Object.entries(flags).filter(
        ([flag, value]) => flag !== "mount" || !value.startsWith("type=cache,"),
      );
      if (unknown.length > 0) throw new UnsupportedDockerfile(`RUN --${unknown[0]?.[0]}`);
      if (body.startsWith("[")) throw new UnsupportedDockerfile("RUN in exec form");
      return { kind: "RUN", command: body, flags };
    }
    case "ENV": {
      const variables: Record<string, string> = {};
      for (const pair of body.split(/\s+/)) {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
        if (match === null) throw new UnsupportedDockerfile(`ENV ${body}: use KEY=value`);
        variables[match[1] ?? ""] = match[2] ?? "";
      }
      return { kind: "ENV", variables };
    }
    case "USER":
      return { kind: "USER", user: body };
    case "EXPOSE":
      return { kind: "EXPOSE", ports: body.split(/\s+/) };
    case "HEALTHCHECK": {
      const match = /^CMD\s+(\[.*\])$/s.exec(body);
      if (match === null) throw new UnsupportedDockerfile("HEALTHCHECK CMD in exec form");
      return { kind: "HEALTHCHECK", argv: execForm(match[1] ?? ""), flags };
    }
    case "CMD":
      return { kind: "CMD", argv: execForm(body) };
    default:
      throw new UnsupportedDockerfile(`instruction ${keyword} is not modelled`);
  }
}

/** A JSON array of strings (exec form); anything else (shell form) is refused. */
function execForm(text: string): string[] {
  let argv: unknown;
  try {
    argv = JSON.parse(text);
  } catch {
    throw new UnsupportedDockerfile(`not in exec form: ${text}`);
  }
  if (!Array.isArray(argv) || !argv.every((item) => typeof item === "string")) {
    throw new UnsupportedDockerfile(`not in exec form: ${text}`);
  }
  return argv;
}

/** Instructions one per line: comments and blank lines dropped, `\` continuations joined. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    lines.push(`${pending}${line}`.trim());
    pending = "";
  }
  if (pending !== "") lines.push(pending.trim());
  return lines.filter((line) => line !== "");
}

/** Splits `--name=value` options off the front of an instruction's arguments. */
function leadingFlags(rest: string): { flags: Record<string, string>; body: string } {
  const flags: Record<string, string> = {};
  let body = rest;
  for (;;) {
    const match = /^--([a-z-]+)=(\S+)\s+/.exec(body);
    if (match === null) return { flags, body: body.trim() };
    flags[match[1] ?? ""] = match[2] ?? "";
    body = body.slice(match[0].length);
  }
}

/** Where a built stage's file system is, and what its instructions set. */
export interface BuiltStage {
  stage: Stage;
  /** The directory standing in for the stage's `/`. */
  root: string;
  /** The WORKDIR at the end of the stage, as a path on this machine. */
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[] | undefined;
  healthcheck: string[] | undefined;
}

/** Options of `buildStages`. */
export interface BuildOptions {
  /** The build context (the repository). */
  context: string;
  /** An empty directory; each stage's root is `<directory>/<stage name>`. */
  directory: string;
  /** Variables for every RUN besides the stage's ENV (PATH, HOME for npm's cache...). */
  baseEnv: Record<string, string>;
  /** Told each RUN before it starts, for the test's log. */
  onStep?: (stage: string, command: string) => void;
  /**
   * Whether a path of the build context (relative, `/`-separated) is left out of it, as
   * `.dockerignore` says (see `dockerignoreMatcher`); default: nothing is.
   */
  ignored?: (path: string) => boolean;
}

/**
 * Runs every stage in order: COPY and RUN as the Dockerfile says, with a stage's `/` mapped to
 * its own directory. Rejects when a RUN exits non-zero (with its output).
 */
export async function buildStages(stages: Stage[], options: BuildOptions): Promise<BuiltStage[]> {
  const built: BuiltStage[] = [];
  for (const stage of stages) {
    const root = join(options.directory, stage.name);
    mkdirSync(root, { recursive: true });
    const state: BuiltStage = {
      stage,
      root,
      workdir: root,
      env: {},
      user: undefined,
      cmd: undefined,
      healthcheck: undefined,
    };
    let containerWorkdir = "/";
    for (const step of stage.instructions) {
      switch (step.kind) {
        case "WORKDIR":
          containerWorkdir = posix.resolve(containerWorkdir, step.path);
          state.workdir = join(root, containerWorkdir);
          mkdirSync(state.workdir, { recursive: true });
          break;
        case "ENV":
          Object.assign(state.env, step.variables);
          break;
        case "USER":
          state.user = step.user;
          break;
        case "CMD":
          state.cmd = step.argv;
          break;
        case "HEALTHCHECK":
          state.healthcheck = step.argv;
          break;
        case "EXPOSE":
          break;
        case "COPY": {
          const fromRoot =
            step.from === undefined ? undefined : built.find((b) => b.stage.name === step.from);
          if (step.from !== undefined && fromRoot === undefined) {
            throw new UnsupportedDockerfile(`COPY --from=${step.from}: no such earlier stage`);
          }
          const sourceOf = (source: string) =>
            fromRoot === undefined
              ? join(options.context, source)
              : join(fromRoot.root, posix.resolve("/", source));
          const target = join(root, posix.resolve(containerWorkdir, step.destination));
          const intoDirectory = step.destination.endsWith("/") || step.sources.length > 1;
          // The build context holds only what .dockerignore lets in: a source it leaves out is
          // not found (as Docker says), and a directory is copied without what it leaves out.
          const ignored = fromRoot === undefined ? options.ignored : undefined;
          const inContext = (path: string) =>
            ignored === undefined || !ignored(relative(options.context, path).split(sep).join("/"));
          for (const source of step.sources) {
            if (!inContext(sourceOf(source))) {
              throw new Error(`COPY ${source}: not in the build context (.dockerignore)`);
            }
            copyLikeDocker(sourceOf(source), target, intoDirectory, inContext);
          }
          break;
        }
        case "RUN":
          options.onStep?.(stage.name, step.command);
          await run(step.command, state.workdir, { ...options.baseEnv, ...state.env });
          break;
      }
    }
    built.push(state);
  }
  return built;
}

/** Docker's COPY: a directory's contents into the target; a file into it when it is a directory. */
function copyLikeDocker(
  source: string,
  target: string,
  intoDirectory: boolean,
  inContext: (path: string) => boolean,
): void {
  if (statSync(source).isDirectory()) {
    cpSync(source, target, { recursive: true, filter: (path) => inContext(path) });
    return;
  }
  const destination = intoDirectory ? join(target, basename(source)) : target;
  mkdirSync(join(destination, ".."), { recursive: true });
  cpSync(source, destination);
}

function run(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`RUN ${command} exited with ${code} in ${cwd}:\n${output}`));
    });
  });
}

/** Reads and parses the Dockerfile at `path`. */
export const readDockerfile = (path: string): Stage[] =>
  parseDockerfile(readFileSync(path, "utf8"));

/**
 * `.dockerignore`'s rules as Docker applies them to the build context: each line a pattern
 * relative to the context root (`*` and `?` within one path segment, `**` across segments), a
 * pattern that matches a directory leaves out everything under it, `!` lets a path back in, and
 * the last pattern that matches a path (or one of its parent directories) decides.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const exclusion = line.startsWith("!");
      const pattern = posix
        .normalize((exclusion ? line.slice(1) : line).trim())
        .replace(/^\/+/, "");
      return { exclusion, regex: globToRegExp(pattern) };
    });
  return (path) => {
    const segments = path.split("/");
    const candidates = segments.map((_, index) => segments.slice(0, index + 1).join("/"));
    let ignored = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.exclusion;
    }
    return ignored;
  };
}

/** A Docker path pattern as a regular expression over a whole `/`-separated path. */
function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] ?? "";
    if (char === "*" && pattern[index + 1] === "*") {
      // `**/` matches any number of directories (none included); a trailing `**` anything.
      if (pattern[index + 2] === "/") {
        source += "(?:.*/)?";
        index += 2;
      } else {
        source += ".*";
        index += 1;
      }
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Reads `<context>/.dockerignore` as a matcher; nothing is ignored without one. */
export function readDockerignore(context: string): (path: string) => boolean {
  const path = join(context, ".dockerignore");
  return existsSync(path) ? dockerignoreMatcher(readFileSync(path, "utf8")) : () => false;
}

/** The official `node` images' unprivileged user and group (`USER node`). */
const NODE_IMAGE_USER = { uid: 1000, gid: 1000 };

/**
 * The uid and gid a stage's `USER` runs as: `node` is the official node images' user
 * (1000:1000), `uid[:gid]` is taken as it is. Throws `UnsupportedDockerfile` for other names:
 * no image's user database is modelled.
 */
export function userIds(user: string): { uid: number; gid: number } {
  if (user === "node") return NODE_IMAGE_USER;
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  if (match === null) throw new UnsupportedDockerfile(`USER ${user}: use node or uid[:gid]`);
  const uid = Number(match[1]);
  return { uid, gid: match[2] === undefined ? uid : Number(match[2]) };
}

/** The Node.js major version a `node:<tag>` image runs (`node:20-bookworm-slim`: 20). */
export function nodeMajorOf(image: string): number | undefined {
  const match = /^(?:docker\.io\/)?(?:library\/)?node:(\d+)/.exec(image);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Leaves a built stage's tree as Docker's COPY and RUN leave it to a non-root USER: owned by
 * root, writable by root alone (no group or other write bit anywhere), every directory
 * traversable. `root` and the directories above it up to `/` get `o+x` so that user reaches it.
 */
export function rootOwnedReadOnly(root: string): void {
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    chmodSync(path, (stat.mode & 0o7777 & ~0o022) | (stat.isDirectory() ? 0o555 : 0o444));
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(root);
  for (let parent = join(root, ".."); parent !== join(parent, ".."); parent = join(parent, "..")) {
    const mode = statSync(parent).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(parent, mode | 0o005);
  }
}
