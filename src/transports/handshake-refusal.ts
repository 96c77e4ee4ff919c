import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/**
 * Refuses a WebSocket upgrade on its raw socket with an HTTP answer in the gateway's JSON error
 * shape (`{error: {code, message}}`), then closes the socket. ws's own refusals are small HTML
 * pages; every error answer of the gateway is JSON with a code.
 */
export function refuseHandshake(
  socket: Duplex,
  status: number,
  code: string,
  message: string,
): void {
  const body = JSON.stringify({ error: { code, message } });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "Connection: close\r\n" +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "\r\n" +
      body,
  );
}
