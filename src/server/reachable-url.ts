/** Addresses meaning "every interface": a client on this machine reaches them on loopback. */
const ALL_INTERFACES = new Set(["0.0.0.0", "::", ""]);

/**
 * The `http://` base URL a client on this machine uses to reach a server bound to `host`:`port`:
 * loopback (`127.0.0.1`) when it listens on all interfaces, else the bound host itself (an IPv6
 * address in brackets).
 */
export function reachableUrl(host: string, port: number): string {
  if (ALL_INTERFACES.has(host)) return `http://127.0.0.1:${port}`;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
