import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

/**
 * The packages a file uses: bare specifiers it imports, and packages whose files it serves
 * (`packageDir("graphiql")`, `require.resolve("…")`), reduced to the package name.
 */
function packagesImportedBy(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const patterns = [
    /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"'.][^"']*)["']/g,
    /(?:^|\n)\s*import\s*["']([^"'.][^"']*)["']/g,
    /\bimport\(\s*["']([^"'.][^"']*)["']/g,
    /\b(?:packageDir|require\.resolve)\(\s*["']([^"'.][^"']*)["']/g,
  ];
  return patterns
    .flatMap((pattern) => [...text.matchAll(pattern)])
    .map((match) => match[1] ?? "")
    .filter((spec) => !spec.startsWith("node:") && !builtinModules.includes(spec))
    .map((spec) =>
      spec
        .split("/")
        .slice(0, spec.startsWith("@") ? 2 : 1)
        .join("/"),
    );
}

const srcPackages = new Set(sourceFiles(join(ROOT, "src")).flatMap(packagesImportedBy));

describe("dependencies are declared where they are used", () => {
  it("src/ imports only production dependencies (the runtime image omits dev ones)", () => {
    expect(srcPackages.size).toBeGreaterThan(10);
    const undeclared = [...srcPackages].filter((name) => !(name in manifest.dependencies));
    expect(undeclared).toEqual([]);
  });

  it("every production dependency is used by src/ (dev-only ones are devDependencies)", () => {
    const unused = Object.keys(manifest.dependencies).filter((name) => !srcPackages.has(name));
    expect(unused).toEqual([]);
  });
});
