// The quickstart's (003) SDK example, verbatim: run with MITTR_API_KEY (and MITTR_BASE_URL for a local mittr).
import { Mittr } from "@mittr/sdk-node";
const mittr = new Mittr({ apiKey: process.env.MITTR_API_KEY });
await mittr.events.send({
eventType: "order.created",
payload: { orderId: "ord_123" },
});
