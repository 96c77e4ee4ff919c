import type { ConnectionOutcome, ReceivedConnection } from "./operation-outcome.js";
import type { OperationPipeline } from "./pipeline.js";

/**
 * A socket's connection_init (stage 1 without an operation): its credentials verified. A refused
 * or anonymous caller (with no operation to look at, none is admitted anonymously) is finished:
 * one log line, counted as an unauthenticated operation of unknown type. A caller let in is no
 * operation: its trace ends unrecorded.
 */
export async function connectCaller(
  stages: OperationPipeline,
  received: ReceivedConnection,
): Promise<ConnectionOutcome> {
  const trace = stages.start("ws", received.connectionId, {
    parent: { carriers: received.traceCarriers ?? [] },
  });
  const auth = await stages.authenticate(trace, received.credentials);
  if (!auth.admitted || auth.viewer === null) {
    stages.finish(trace);
    return { admitted: false };
  }
  stages.release(trace);
  return {
    admitted: true,
    viewer: auth.viewer,
    ...(auth.service === undefined ? {} : { service: auth.service }),
    ...(auth.expiresAt === undefined ? {} : { expiresAt: auth.expiresAt }),
  };
}
