/**
 * A proxy between the gateway and the sandbox that holds the `/v1` requests matching a test's
 * predicate until the test lets them go, so an operation can be kept in flight for as long as a
 * test needs, without timers.
 */
import { createServer, request } from "node:http";
import type { Upstream } from "./gateway.js";
import { listen, readBody, shutdown } from "./http-server.js";
import { Changes } from "./wait.js";

/** The proxy, and what it holds. */
export interface HeldUpstream extends Upstream {
  /** Requests whose URL (path and query) matches this are held; undefined: none is. */
  holdWhere(matches: ((url: string) => boolean) | undefined): void;
  /** Resolves once `count` requests are held. */
  held(count: number): Promise<void>;
  /** Forwards every held request (and stops holding new ones). */
  releaseAll(): void;
}

/** Starts the proxy in front of `target` (the sandbox's URL). */
export async function startHeldUpstream(target: string): Promise<HeldUpstream> {
  const to = new URL(target);
  let matches: ((url: string) => boolean) | undefined;
  const waiting: (() => void)[] = [];
  const changes = new Changes();
  const server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const forward = () => {
      const upstream = request(
        {
          host: to.hostname,
          port: to.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: to.host },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on("error", () => outgoing.destroy());
      upstream.end(body);
    };
    if (matches?.(incoming.url ?? "")) {
      waiting.push(forward);
      changes.notify();
    } else forward();
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    holdWhere: (next) => {
      matches = next;
    },
    held: async (count) => {
      await changes.until(() => (waiting.length >= count ? true : undefined), `${count} held`);
    },
    releaseAll: () => {
      matches = undefined;
      for (const forward of waiting.splice(0)) forward();
    },
    close: async () => {
      for (const forward of waiting.splice(0)) forward();
      await shutdown(server);
    },
  };
}
