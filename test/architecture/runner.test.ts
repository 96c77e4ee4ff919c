import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../../src/", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Each relative import of a file, as the src/ path it names (`pipeline/runner.ts`). */
const importedPaths = (path: string) =>
  [...readFileSync(path, "utf8").matchAll(/(?:from|import)\s*\(?\s*["'](\.[^"']+)["']/g)].map(
    (match) => relative(SRC, resolve(dirname(path), match[1] ?? "")).replace(/\.js$/, ".ts"),
  );

/** The runner's public entry: the one file of src/pipeline/ a transport may import. */
const RUNNER_ENTRY = "pipeline/runner.ts";
/** What the composition root builds the runner and Apollo from: configuration, not a stage. */
const RUNNER_CONFIGURATION = ["pipeline/document-rules.ts", "pipeline/document-cache.ts"];

/** `file -> import` for each import into src/pipeline/ that `allowed` does not admit. */
function pipelineImports(files: string[], allowed: readonly string[]): string[] {
  return files.flatMap((path) =>
    importedPaths(path)
      .filter((target) => target.startsWith("pipeline/") && !allowed.includes(target))
      .map((target) => `${relative(SRC, path)} -> ${target}`),
  );
}

describe("one runner owns the operation", () => {
  const all = sourceFiles(SRC);
  const transports = all.filter((path) => relative(SRC, path).startsWith("transports/"));

  it("a transport imports no pipeline stage: only the runner's public entry", () => {
    expect(transports.length).toBeGreaterThan(5);
    expect(pipelineImports(transports, [RUNNER_ENTRY])).toEqual([]);
    // Every adapter reaches the runner (none goes around it, none was missed by the match).
    const adapters = ["http.ts", "graphql-ws.ts", "graphql-sse.ts", "multipart-subscriptions.ts"];
    for (const adapter of adapters) {
      const imports = importedPaths(join(SRC, "transports", adapter));
      const reachesRunner =
        imports.includes(RUNNER_ENTRY) || imports.includes("transports/streamed-operations.ts");
      expect(reachesRunner, adapter).toBe(true);
    }
  });

  it("outside the pipeline, only the runner calls a stage (the server wires it from its configuration)", () => {
    const outside = all.filter((path) => !relative(SRC, path).startsWith("pipeline/"));
    expect(pipelineImports(outside, [RUNNER_ENTRY, ...RUNNER_CONFIGURATION])).toEqual([]);
  });
});
