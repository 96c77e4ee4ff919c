/**
 * The lean-path targets as production runs the gateway (BENCH_LEAN_BUILT=1): `target-process.ts`
 * bundled with esbuild into plain JavaScript, its imports of `src/` pointed at `npm run build`'s
 * `dist/` (left as imports, not bundled: the gateway runs as `node dist/main.js` runs it), so
 * both targets (gateway and bare Apollo) run under plain `node`, without tsx's loader and its
 * per-closure name helpers. Needs a fresh `npm run build`.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";

/** Points every import of `<root>/src/...` at `<root>/dist/...` and keeps it external. */
function srcToDist(root: string): Plugin {
  const src = join(root, "src");
  return {
    name: "src-to-dist",
    setup(esbuild) {
      esbuild.onResolve({ filter: /\/src\// }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        if (!target.startsWith(`${src}/`)) return undefined;
        return { path: join(root, "dist", target.slice(src.length + 1)), external: true };
      });
    },
  };
}

/**
 * Bundles `targetSource` (the .ts target) into `node_modules/.cache/bench-lean/<name>.mjs` under
 * `root` (inside the project, so packages resolve from its node_modules) and returns its path.
 * Throws when `dist/` has not been built.
 */
export async function builtTarget(
  root: string,
  targetSource: string,
  name = "target",
): Promise<string> {
  if (!existsSync(join(root, "dist", "main.js"))) {
    throw new Error("the bench runs the built gateway here: run `npm run build` first");
  }
  const outfile = join(root, "node_modules", ".cache", "bench-lean", `${name}.mjs`);
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [targetSource],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    plugins: [srcToDist(root)],
    logLevel: "warning",
  });
  return outfile;
}
