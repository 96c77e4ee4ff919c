/**
 * A load target of the lean-path section, run as its own process (`tsx bench/lean/target-process.ts
 * gateway|apollo`) so each server has an event loop of its own, as in production, and so it can be
 * CPU-profiled alone. Talks to the bench over IPC:
 * - on start it sends `{ kind: "ready", url, headers, answer? }`;
 * - `{ kind: "profile-start" }` starts the V8 CPU profiler, `{ kind: "profile-stop", file }`
 *   stops it, writes the .cpuprofile to `file` and answers `{ kind: "profiled" }`;
 * - `{ kind: "cpu" }` is answered `{ kind: "cpu", micros }`, the process's CPU time so far (user +
 *   system, microseconds);
 * - `{ kind: "stop" }` closes the server and exits.
 *
 * `gateway`: the real gateway as `npm start` runs it (authentication, limits, info logs to stdout
 * through `createLogger` with the known secrets, metrics), in-memory read model, over an embedded
 * sandbox with one 10-account / 3-authorization customer; the dashboard is asked once so the read
 * model is warm. `apollo`: a bare Apollo Server 5 standalone (`startStandaloneServer`) over the
 * gateway's SDL, answering `accounts` with the answer given in BENCH_LEAN_ANSWER (JSON) from memory.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { knownSecretsOf } from "../../src/observability/known-secrets.js";
import { createLogger } from "../../src/observability/logger.js";
import { startSandbox } from "../../src/sandbox/server.js";
import { startGateway } from "../../src/server/gateway.js";
import { gracefulShutdown } from "../../src/server/shutdown.js";
import { loadTypeDefs } from "../../src/server/type-defs.js";
import { fetchDashboard, type GraphQLData } from "../query.js";
import { sandboxControl } from "../sandbox-control.js";

/** A started target: its endpoint, the headers a client sends it, and how to stop it. */
interface Target {
  url: string;
  headers: Record<string, string>;
  answer?: GraphQLData;
  close(): Promise<void>;
}

async function startGatewayTarget(): Promise<Target> {
  const config = loadConfig({
    ...process.env,
    STRIPE_MAX_RETRIES: "0",
    LOG_LEVEL: "info",
    // The local sandbox has no quota; the budget is lifted so the run measures work, not refusals.
    STRIPE_RATE_LIMIT_PER_SECOND: "10000",
    // A built gateway answers ~1,700 dashboards (cost ~2,500 each) a second: 100M a minute ran out.
    RATE_LIMIT_COST_PER_MINUTE: "1000000000000",
  });
  const logger = createLogger(config.logLevel, undefined, knownSecretsOf(config));
  const sandbox = await startSandbox({ port: 0 });
  const gateway = await startGateway({ config, logger, stripeApiBase: sandbox.url, port: 0 });
  const customer = await sandboxControl(sandbox.url).createCustomer(10, 3);
  const token = await signToken(config.auth, { customerId: customer.id, ttlSeconds: 3600 });
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const url = `${gateway.url}/graphql`;
  // Twice: the first fills the read model, the second is answered from it.
  await fetchDashboard(url, headers);
  const answer = await fetchDashboard(url, headers);
  return {
    url,
    headers,
    answer,
    close: async () => {
      await gracefulShutdown({
        logger,
        timeoutMs: 10_000,
        steps: [
          { name: "gateway", close: () => gateway.close() },
          { name: "sandbox", close: () => sandbox.close() },
        ],
      });
    },
  };
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

const kind = process.argv[2];
const target = kind === "gateway" ? await startGatewayTarget() : await startApolloTarget();
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
send({ kind: "ready", url: target.url, headers: target.headers, answer: target.answer });
