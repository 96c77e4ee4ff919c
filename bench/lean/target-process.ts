/**
 * The baseline of the lean-path section, run as its own process (`target-process.ts apollo`, built
 * or under tsx) so it has an event loop of its own, as the gateway has, and can be CPU-profiled
 * alone: a bare Apollo Server 5 standalone (`startStandaloneServer`) over the gateway's SDL,
 * answering `accounts` with the answer given in BENCH_LEAN_ANSWER (JSON) from memory. The gateway
 * itself runs from `gateway-process.ts` (see production-gateway.ts). Talks to the bench over IPC:
 * - on start it sends `{ kind: "ready", url, headers }`;
 * - `{ kind: "profile-start" }` starts the V8 CPU profiler, `{ kind: "profile-stop", file }`
 *   stops it, writes the .cpuprofile to `file` and answers `{ kind: "profiled" }`;
 * - `{ kind: "cpu" }` is answered `{ kind: "cpu", micros }`, the process's CPU time so far (user +
 *   system, microseconds);
 * - `{ kind: "stop" }` closes the server and exits.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { loadTypeDefs } from "../../src/server/type-defs.js";
import type { GraphQLData } from "../query.js";

/** A started target: its endpoint, the headers a client sends it, and how to stop it. */
interface Target {
  url: string;
  headers: Record<string, string>;
  close(): Promise<void>;
}

async function startApolloTarget(): Promise<Target> {
  const answer = JSON.parse(process.env.BENCH_LEAN_ANSWER ?? "{}") as GraphQLData;
  const accounts = answer.accounts;
  const apollo = new ApolloServer({
    typeDefs: loadTypeDefs(),
    resolvers: {
      Node: { __resolveType: () => "Account" },
      Query: { accounts: () => accounts },
    },
    includeStacktraceInErrorResponses: false,
  });
  const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: "127.0.0.1" } });
  return {
    url,
    // The same headers as the gateway's requests, token included (unread here).
    headers: { "content-type": "application/json", authorization: "Bearer unused" },
    close: () => apollo.stop(),
  };
}

const target = await startApolloTarget();
const session = new Session();
session.connect();
const send = (message: Record<string, unknown>) => process.send?.(message);
process.on("message", async (message: { kind: string; file?: string }) => {
  if (message.kind === "profile-start") {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
    send({ kind: "profiling" });
  } else if (message.kind === "profile-stop" && message.file !== undefined) {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(message.file, JSON.stringify(profile));
    send({ kind: "profiled" });
  } else if (message.kind === "cpu") {
    const { user, system } = process.cpuUsage();
    send({ kind: "cpu", micros: user + system });
  } else if (message.kind === "stop") {
    await target.close();
    process.exit(0);
  }
});
send({ kind: "ready", url: target.url, headers: target.headers });
