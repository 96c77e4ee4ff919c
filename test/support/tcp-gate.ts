/**
 * A TCP pass-through a test can close, to cut one process off from a server (a gateway instance
 * from Redis) while the others still reach it: `cut` drops every connection and refuses new
 * ones, `open` lets them through again.
 */
import { connect, createServer, type Socket } from "node:net";

/** A running gate: its port (point the client at it), and the switch. */
export interface TcpGate {
  port: number;
  cut(): void;
  open(): void;
  close(): Promise<void>;
}

/** Starts a gate to `targetHost:targetPort` on a free port of 127.0.0.1, open. */
export async function startTcpGate(targetHost: string, targetPort: number): Promise<TcpGate> {
  let isOpen = true;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (!isOpen) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    cut: () => {
      isOpen = false;
      for (const socket of sockets) socket.destroy();
    },
    open: () => {
      isOpen = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
