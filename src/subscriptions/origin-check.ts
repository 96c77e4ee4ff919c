const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Decides whether a WebSocket upgrade's Origin may connect. Browsers always send Origin, so a
 * cross-site page is refused unless its origin is listed; clients that send none (servers, CLIs)
 * are not browsers and cannot be driven by a hostile page. With no list configured, only local
 * origins are allowed (development), never in production.
 */
export function originAllowed(
  origin: string | undefined,
  allowedOrigins: readonly string[],
  production: boolean,
): boolean {
  if (origin === undefined || origin === "") return true;
  if (allowedOrigins.includes(origin)) return true;
  if (allowedOrigins.length > 0 || production) return false;
  try {
    return LOCAL_HOSTS.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}
