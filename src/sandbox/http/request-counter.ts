import type { JsonObject } from "../state/json.js";

/**
 * Counts `/v1` requests: the total and per `METHOD /route/{template}` (requests to unknown URLs
 * count under `METHOD (unrecognized)`). Tests read it to prove caching and batching.
 */
export class RequestCounter {
  private total = 0;
  private routes = new Map<string, number>();

  record(routeKey: string): void {
    this.total += 1;
    this.routes.set(routeKey, (this.routes.get(routeKey) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.routes = new Map();
  }

  /** `{ total, routes: { "GET /v1/...": n } }`, the control API's answer. */
  snapshot(): JsonObject {
    return { total: this.total, routes: Object.fromEntries(this.routes) };
  }
}
