import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The browser script that wires GraphiQL to this gateway (ours, plain ES module). */
export const CLIENT_SCRIPT = fileURLToPath(new URL("./graphiql-client.js", import.meta.url));

/**
 * Every file the self-hosted GraphiQL page loads, by the name it is served under, all from
 * installed npm packages: React 18, GraphiQL 3 and graphql-sse's client as UMD builds,
 * graphql-ws's ES module client.
 * Nothing is fetched from a CDN, so the playground works with no internet.
 */
export function playgroundAssets(): Map<string, string> {
  const assets = new Map<string, string>([
    ["react.js", join(packageDir("react"), "umd/react.production.min.js")],
    ["react-dom.js", join(packageDir("react-dom"), "umd/react-dom.production.min.js")],
    ["graphiql.js", join(packageDir("graphiql"), "graphiql.min.js")],
    ["graphiql.css", join(packageDir("graphiql"), "graphiql.min.css")],
    ["graphiql-client.js", CLIENT_SCRIPT],
    // graphql-sse's browser client (UMD: the global `graphqlSse`), for subscriptions over SSE.
    ["graphql-sse.js", join(packageDir("graphql-sse"), "umd/graphql-sse.min.js")],
  ]);
  // graphql-ws's browser client is an ES module split in chunks with hashed names: serve them all.
  const wsDist = join(packageDir("graphql-ws"), "dist");
  for (const file of readdirSync(wsDist)) {
    if (file === "client.js" || file.startsWith("common-")) {
      if (file.endsWith(".js")) assets.set(`graphql-ws/${file}`, join(wsDist, file));
    }
  }
  return assets;
}
