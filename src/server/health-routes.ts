import express, { type Router } from "express";
import type { CheckResult, ReadinessCheck } from "./readiness.js";

/** What the health routes report on. */
export interface HealthRoutesOptions {
  /** Readiness checks by dependency name (e.g. `stripe`, `redis`). */
  checks: Record<string, ReadinessCheck>;
  /** True once shutdown began: readiness then fails at once, so load balancers stop routing here. */
  shuttingDown: () => boolean;
}

/**
 * `GET /healthz`: 200 while the process serves HTTP (liveness; no dependency is checked).
 * `GET /readyz`: 200 `{status: "ready", checks}` when every check is "ok", else 503
 * `{status: "not_ready", checks}` (also 503 `shutting_down` during shutdown).
 * (`GET /metrics` is served apart, with its own access rules: see metrics-endpoint.ts.)
 */
export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = express.Router();
  router.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
  router.get("/readyz", async (_request, response) => {
    if (options.shuttingDown()) {
      response.status(503).json({ status: "shutting_down", checks: {} });
      return;
    }
    const entries = await Promise.all(
      Object.entries(options.checks).map(
        async ([name, check]): Promise<[string, CheckResult]> => [name, await check()],
      ),
    );
    const ready = entries.every(([, result]) => result === "ok");
    response
      .status(ready ? 200 : 503)
      .json({ status: ready ? "ready" : "not_ready", checks: Object.fromEntries(entries) });
  });
  return router;
}
