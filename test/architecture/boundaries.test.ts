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

const importsOf = (path: string) =>
  [...readFileSync(path, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map(
    (match) => match[1] ?? "",
  );

describe("architecture boundaries", () => {
  const files = sourceFiles(SRC).map((path) => ({
    path: relative(SRC, path),
    imports: importsOf(path),
  }));

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
    const allowed = [join(SRC, "sandbox"), join(SRC, "shared"), join(SRC, "..", "stripe-spec")];
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

  it("the layers below the API never import graphql/ or server/", () => {
    const LOWER = [
      "data",
      "loaders",
      "stripe",
      "health",
      "relink",
      "account-actions",
      "webhooks",
      "pubsub",
    ];
    const UPPER = [join(SRC, "graphql"), join(SRC, "server")];
    const lower = files.filter((file) => LOWER.some((dir) => file.path.startsWith(`${dir}/`)));
    const offenders = lower.flatMap((file) =>
      file.imports
        .filter((spec) => spec.startsWith("."))
        .map((spec) => resolve(dirname(join(SRC, file.path)), spec))
        .filter((target) => UPPER.some((root) => target.startsWith(`${root}/`)))
        .map((target) => `${file.path} -> ${relative(SRC, target)}`),
    );
    expect(lower.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  it("graphql/ holds the resolvers and the context only", () => {
    const strays = files
      .filter((file) => file.path.startsWith("graphql/"))
      .filter((file) => file.path !== "graphql/context.ts")
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
