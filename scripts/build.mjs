/**
 * `npm run build`: the production artifact in `dist/`, run with plain `node` and production
 * dependencies only (`node dist/main.js`, `node dist/sandbox/main.js`).
 *
 * 1. empties `dist/`, so no file of a deleted module lingers;
 * 2. compiles `src/` with `tsconfig.build.json` (sandbox included, source maps beside);
 * 3. copies the files `src/` serves or reads as they are (RUNTIME_FILES), to the same place
 *    under `dist/`.
 *
 * Files read at run time from outside `src/` (`schema/*.graphql`, `stripe-spec/openapi-fc.json`)
 * are found relative to the compiled module, one level up from `dist/` as from `src/`: ship
 * them beside `dist/` (the Dockerfile does). Plain Node, no dev dependency but TypeScript.
 */
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

/** Files under `src/` that are not compiled but loaded at run time, by path relative to `src/`. */
const RUNTIME_FILES = [
  "playground/graphiql-client.js",
  "playground/panel/panel-client.js",
  "playground/panel/panel.css",
];

const require = createRequire(import.meta.url);
rmSync("dist", { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"],
  {
    stdio: "inherit",
  },
);
for (const file of RUNTIME_FILES) cpSync(`src/${file}`, `dist/${file}`);
