import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";

/** Throws unless the response is 2xx; returns its JSON body. */
async function json(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/**
 * Deactivates a sandbox account through the control API (the sandbox records the event; the
 * bench's sandbox delivers none). Throws on a non-2xx answer.
 */
export async function deactivateAccount(sandboxUrl: string, accountId: string): Promise<void> {
  const path = `/_sandbox/accounts/${accountId}/deactivate`;
  await json(
    await fetch(`${sandboxUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cause: "access_expired" }),
    }),
    `POST ${path}`,
  );
}

/** The account as the sandbox's `/v1` API shows it (what a Stripe event carries). Throws on non-2xx. */
export async function readAccount(sandboxUrl: string, accountId: string): Promise<unknown> {
  const path = `/v1/financial_connections/accounts/${accountId}`;
  return json(
    await fetch(`${sandboxUrl}${path}`, {
      headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
    }),
    `GET ${path}`,
  );
}
