import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../../src/", import.meta.url).pathname;
const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/**
 * The layers of src/, top first: the one declaration of the order (README's "Layers" list is
 * checked against it). A folder imports only folders on lower lines, never one on its own line or
 * above; `src/*.ts` are src/'s own files (the entry point).
 */
const LAYERS: readonly (readonly string[])[] = [
  ["src/*.ts"],
  ["server"],
  ["playground", "sandbox"],
  ["transports"],
  ["pipeline"],
  ["graphql"],
  ["errors"],
  ["webhooks", "relink", "account-actions"],
  ["data"],
  ["pubsub", "read-model", "limits", "health"],
  ["stripe", "auth"],
  ["observability", "redis"],
  ["config"],
  ["shared", "generated"],
];

/** The unit of the layer order a file of src/ belongs to: its top folder, or `src/*.ts`. */
const unitOf = (path: string) => (path.includes("/") ? (path.split("/")[0] as string) : "src/*.ts");

/** Every import of one file of src/ by another, as paths relative to src/ (`.js` read as `.ts`). */
function srcImports(files: readonly { path: string; imports: string[] }[]) {
  return files.flatMap((file) =>
    file.imports
      .filter((spec) => spec.startsWith("."))
      .map((spec) => relative(SRC, resolve(dirname(join(SRC, file.path)), spec)))
      .filter((target) => !target.startsWith(".."))
      .map((target) => ({ from: file.path, to: target.replace(/\.js$/, ".ts") })),
  );
}

/** The folders that sit in a cycle of the folder graph, each cycle's folders sorted (Tarjan). */
function folderCycles(edges: readonly { from: string; to: string }[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const [a, b] = [unitOf(from), unitOf(to)];
    if (a === b) continue;
    next.set(a, (next.get(a) ?? new Set()).add(b));
    if (!next.has(b)) next.set(b, new Set());
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (stack.includes(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** README's "### Layers" list: the backticked names of each numbered line, top first. */
function readmeLayers(): string[][] {
  const section = README.split(/^### Layers$/m)[1]?.split(/^##/m)[0] ?? "";
  return [...section.matchAll(/^\d+\. (.*)$/gm)].map((line) =>
    [...(line[1]?.split(":")[0] ?? "").matchAll(/`([^`]+)`/g)].map((name) => name[1] ?? ""),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const importsOf = (path: string) =>
  [...readFileSync(path, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map(
    (match) => match[1] ?? "",
  );

describe("architecture boundaries", () => {
  const files = sourceFiles(SRC).map((path) => ({
    path: relative(SRC, path),
    imports: importsOf(path),
  }));
  const imports = srcImports(files);
  const floorOf = (unit: string) => LAYERS.findIndex((layer) => layer.includes(unit));
  /** An import that does not run strictly downward: to a higher layer, or across one layer. */
  const runsUp = ({ from, to }: { from: string; to: string }) =>
    unitOf(from) !== unitOf(to) && floorOf(unitOf(from)) >= floorOf(unitOf(to));
  const named = ({ from, to }: { from: string; to: string }) => `${from} -> ${to}`;

  it("places every folder of src/ (and src/'s own files) on exactly one layer", () => {
    const units = [...new Set(files.map((file) => unitOf(file.path)))].sort();
    const declared = LAYERS.flat();
    expect(declared.filter((unit, index) => declared.indexOf(unit) !== index)).toEqual([]);
    expect([...declared].sort()).toEqual(units);
  });

  it("README's Layers list is this order", () => {
    expect(readmeLayers()).toEqual(LAYERS.map((layer) => [...layer]));
  });

  it("no import runs up the layers or across one", () => {
    const upward = imports.filter(runsUp).map(named);
    const cycles = folderCycles(imports);
    // The figures of the folder graph.
    console.info(
      `folder graph: ${upward.length} upward imports between ${new Set(imports.filter(runsUp).map(({ from, to }) => `${unitOf(from)}->${unitOf(to)}`)).size} folder pairs; ` +
        `${cycles.length} cycles covering ${cycles.flat().length} folders${cycles.map((c) => ` [${c.join(" ")}]`).join("")}`,
    );
    expect(upward).toEqual([]);
  });

  it("the folders of src/ form no cycle", () => {
    expect(folderCycles(imports)).toEqual([]);
  });

  it("gateway code never imports the sandbox (only the start-up entry point launches it)", () => {
    const offenders = files
      .filter((file) => !file.path.startsWith("sandbox/") && file.path !== "main.ts")
      .filter((file) =>
        file.imports.some((spec) => spec.includes("sandbox/") || spec.endsWith("/sandbox")),
      )
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it("the sandbox imports nothing of the gateway (only shared plain data)", () => {
    const allowed = [
      join(SRC, "sandbox"),
      join(SRC, "shared"),
      join(SRC, "stripe", "event-types.js"),
      join(SRC, "..", "stripe-spec"),
    ];
    const offenders = files
      .filter((file) => file.path.startsWith("sandbox/"))
      .flatMap((file) =>
        file.imports
          .filter((spec) => spec.startsWith("."))
          .map((spec) => resolve(dirname(join(SRC, file.path)), spec))
          .filter((target) => !allowed.some((root) => target.startsWith(root)))
          .map((target) => `${file.path} -> ${relative(SRC, target)}`),
      );
    expect(offenders).toEqual([]);
  });

  it("what the sandbox may import of the gateway's side is plain data: it imports nothing", () => {
    const plainData = files.filter(
      (file) => file.path.startsWith("shared/") || file.path === "stripe/event-types.ts",
    );
    expect(plainData.map((file) => file.path).sort()).toEqual([
      "shared/sandbox-defaults.ts",
      "stripe/event-types.ts",
    ]);
    expect(plainData.flatMap((file) => file.imports)).toEqual([]);
  });

  it("the pipeline core reaches no transport library, directly or through what it imports", () => {
    const TRANSPORT = /^(@apollo\/|@as-integrations\/|express$|ws$|graphql-ws|graphql-sse)/;
    const seen = new Set<string>();
    const pending = files.filter((file) => file.path.startsWith("pipeline/")).map((f) => f.path);
    const offenders: string[] = [];
    while (pending.length > 0) {
      const path = pending.pop() as string;
      if (seen.has(path)) continue;
      seen.add(path);
      for (const spec of files.find((file) => file.path === path)?.imports ?? []) {
        if (TRANSPORT.test(spec)) offenders.push(`${path} -> ${spec}`);
        if (!spec.startsWith(".")) continue;
        const target = relative(SRC, resolve(dirname(join(SRC, path)), spec)).replace(
          /\.js$/,
          ".ts",
        );
        pending.push(target);
      }
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });

  it("graphql/ holds the resolvers, their generated types and the context only", () => {
    const strays = files
      .filter((file) => file.path.startsWith("graphql/"))
      .filter((file) => file.path !== "graphql/context.ts")
      .filter((file) => file.path !== "graphql/resolver-types.generated.ts")
      .filter((file) => !file.path.startsWith("graphql/resolvers/"))
      .map((file) => file.path);
    expect(strays).toEqual([]);
  });

  it("resolvers never call the Stripe SDK directly", () => {
    const offenders = files
      .filter((file) => file.path.startsWith("graphql/"))
      .filter((file) =>
        file.imports.some(
          (spec) =>
            spec === "stripe" ||
            spec.endsWith("stripe/fc-api.js") ||
            spec.endsWith("stripe/client.js"),
        ),
      )
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });
});
