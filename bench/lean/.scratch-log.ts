import { fetchDashboard, SMALL_DASHBOARD_BODY } from "../query.js";
import { sandboxControl } from "../sandbox-control.js";
import { startLeanGateway } from "./production-gateway.js";

const g = await startLeanGateway(true, "/tmp/floorwork/gw.log");
const c = await sandboxControl(g.sandboxUrl).createCustomer(10, 3);
const headers = {
  "content-type": "application/json",
  authorization: await g.authorizationFor(c.id),
};
await fetchDashboard(g.graphqlUrl, headers);
await fetchDashboard(g.graphqlUrl, headers, SMALL_DASHBOARD_BODY);
const r = await fetch(g.graphqlUrl, {
  method: "POST",
  headers,
  body: JSON.stringify({ query: "{ __typename }" }),
});
console.log(r.status, [...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n"), await r.text());
await fetchDashboard(g.graphqlUrl, headers, SMALL_DASHBOARD_BODY);
await new Promise((r) => setTimeout(r, 500));
await g.stop();
