/**
 * autocannon `setupRequest` for workers mode (a CommonJS path, not a function): gives each
 * request a new event id and signs it like Stripe (`t=<unix seconds>,v1=<HMAC-SHA256 of
 * "<t>.<body>">`), so that every delivery is a distinct, valid event. The request template carries
 * the body with `__EVENT_ID__` in place of the id, and `signingSecret` (never sent).
 */
const { createHmac, randomBytes } = require("node:crypto");

/** Distinct per worker, so warm-up and measured runs never repeat an id. */
const prefix = randomBytes(6).toString("hex");
let sequence = 0;

module.exports = function signedWebhook(request) {
  const { signingSecret, ...rest } = request;
  sequence += 1;
  const body = String(rest.body).replace("__EVENT_ID__", `evt_bench${prefix}${sequence}`);
  const timestamp = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", signingSecret).update(`${timestamp}.${body}`).digest("hex");
  return {
    ...rest,
    body,
    headers: { ...rest.headers, "stripe-signature": `t=${timestamp},v1=${v1}` },
  };
};
