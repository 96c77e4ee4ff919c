/**
 * `npm run build && npx tsx bench/hostile/many-customers.ts <factor> <seconds>`: ordinary traffic
 * under the fair gate's pacing, no flood: 16 sequential loops over 20 customers' warm dashboards
 * (10 accounts, 3 authorizations each) against the built gateway with
 * GRAPHQL_FAIR_PACING_FACTOR=<factor> (default 32; 0: no pacing) for <seconds> (default 8);
 * prints answers per second and p50/p90/p99. Run it with the factor and with 0, alternately.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DASHBOARD_BODY } from "../query.js";
import { sandboxControl } from "../sandbox-control.js";
import { startBuiltProcesses } from "./built-processes.js";

const factor = process.argv[2] ?? "32";
const seconds = Number(process.argv[3] ?? "8");
const processes = await startBuiltProcesses(join(tmpdir(), `many-${process.pid}.log`), [], {
  GRAPHQL_FAIR_PACING_FACTOR: factor,
});
try {
  const sandbox = sandboxControl(processes.sandboxUrl);
  const auths: string[] = [];
  for (let n = 0; n < 20; n++) {
    const customer = await sandbox.createCustomer(10, 3);
    auths.push(await processes.authorizationFor(customer.id));
  }
  const ask = async (authorization: string) => {
    const response = await fetch(`${processes.gatewayUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: DASHBOARD_BODY,
    });
    const answer = (await response.json()) as { errors?: unknown };
    if (response.status !== 200 || answer.errors) throw new Error(`failed ${response.status}`);
  };
  for (const auth of auths) await ask(auth);
  const durations: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const auth = auths[next++ % auths.length] as string;
      const started = performance.now();
      await ask(auth);
      durations.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: 16 }, loop));
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.ceil(q * durations.length) - 1]?.toFixed(2);
  process.stdout.write(
    `factor ${factor}: ${(durations.length / seconds).toFixed(0)} answers/s, p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms\n`,
  );
} finally {
  await processes.close();
}
