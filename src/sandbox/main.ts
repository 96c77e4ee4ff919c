/**
 * Standalone sandbox (`npm run sandbox`): reads its configuration from the environment (see
 * env.ts), prints where it listens, and closes cleanly on SIGINT/SIGTERM. An invalid variable
 * stops the process with exit code 1 and a message naming it.
 */
import { optionsFromEnv, SandboxEnvError } from "./env.js";
import { startSandbox } from "./server.js";

async function main(): Promise<void> {
  let options: ReturnType<typeof optionsFromEnv>;
  try {
    options = optionsFromEnv(process.env);
  } catch (error) {
    if (error instanceof SandboxEnvError) {
      console.error(`sandbox: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const sandbox = await startSandbox(options);
  const deliveries = options.webhookUrls?.length
    ? options.webhookUrls.join(", ")
    : "none (events are recorded)";
  console.log(
    `Stripe FC sandbox listening on ${sandbox.url} (API ${sandbox.url}/v1, control ${sandbox.url}/_sandbox)`,
  );
  console.log(`webhook destinations: ${deliveries}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`sandbox: ${signal} received, closing`);
    void sandbox.close().then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(
    `sandbox: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
