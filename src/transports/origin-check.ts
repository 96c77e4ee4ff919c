import { type AllowedOrigins, isAllowedOrigin } from "../config/allowed-origins.js";

/**
 * Decides whether a WebSocket upgrade's Origin may connect, from the one allow-list HTTP CORS
 * uses too (config/allowed-origins.ts). Browsers always send Origin, so a cross-site page is
 * refused unless its origin is allowed; clients that send none (servers, CLIs) are not browsers
 * and cannot be driven by a hostile page.
 */
export function originAllowed(origin: string | undefined, allowed: AllowedOrigins): boolean {
  if (origin === undefined || origin === "") return true;
  return isAllowedOrigin(origin, allowed);
}
