/**
 * autocannon `verifyBody` for workers mode: true when a webhook endpoint acknowledged the
 * delivery (`{"received": true, …}`), the answer Stripe treats as delivered.
 */
module.exports = function webhookOk(body) {
  try {
    return JSON.parse(body).received === true;
  } catch {
    return false;
  }
};
