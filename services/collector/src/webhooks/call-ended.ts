import type { WebhookAdapter } from "./mapping";

/**
 * A contact-centre "call ended" record (one per payload, or an array of them):
 *
 *   { "call_id": "c-9912", "caller_id": "cus_8f14", "queue": "Billing", "wait_seconds": 74,
 *     "talk_seconds": 377, "hold_seconds": 35, "wrap_seconds": 20, "transfers": 1,
 *     "abandoned": false, "ended_at": "2025-03-14T09:30:00Z",
 *     "agent": { "id": "agt-1042", "team": "billing-tier1" }, "resolved": true, "disposition": "invoice-dispute" }
 *
 * Handle time is talk + hold + wrap (after-call work); durations may also come in milliseconds
 * (`wait_ms`, `hold_ms`). The mapped event is a call.completed on the phone channel unless the
 * payload or `?channel=ivr` says otherwise.
 */
export const callEndedAdapter: WebhookAdapter = {
  name: "call-ended",
  summary: "Contact-centre webhook (call ended)",
  description:
    "A finished or abandoned call: call id, caller id, queue, wait/talk/hold durations, transfers, abandoned flag, " +
    "ended_at. The mapped event is a call.completed.",
  queryParameters: {
    touchpoint: "Touchpoint when the payload has none (default contact-centre).",
    channel: "phone or ivr when the payload has none (default phone).",
  },
  rules: [
    { to: "id", from: [{ path: "call_id" }, { path: "id" }], as: "string" },
    { to: "type", from: [{ const: "call.completed" }] },
    { to: "schemaVersion", from: [{ const: 1 }] },
    { to: "occurredAt", from: [{ path: "ended_at" }, { path: "end_time" }], as: "datetime" },
    { to: "source", from: [{ principal: "source" }] },
    { to: "touchpoint", from: [{ path: "touchpoint" }, { query: "touchpoint" }, { const: "contact-centre" }], as: "slug" },
    { to: "channel", from: [{ path: "channel" }, { query: "channel" }, { const: "phone" }], as: "slug" },
    { to: "customer.id", from: [{ path: "caller_id" }, { path: "customer_id" }], as: "string" },
    { to: "customer.segment", from: [{ path: "caller_segment" }], as: "slug" },
    { to: "agent.id", from: [{ path: "agent.id" }, { path: "agent_id" }], as: "string" },
    { to: "agent.team", from: [{ path: "agent.team" }, { path: "agent_team" }], as: "slug" },
    { to: "body.queue", from: [{ path: "queue" }, { path: "queue_name" }], as: "slug" },
    { to: "body.waitSeconds", from: [{ path: "wait_seconds" }, { path: "wait_ms", scale: 0.001 }], as: "number" },
    { to: "body.handleSeconds", from: [{ sum: ["talk_seconds", "hold_seconds", "wrap_seconds"] }], as: "number" },
    { to: "body.holdSeconds", from: [{ path: "hold_seconds" }, { path: "hold_ms", scale: 0.001 }, { const: 0 }], as: "number" },
    { to: "body.transfers", from: [{ path: "transfers" }, { path: "transfer_count" }, { const: 0 }], as: "int" },
    { to: "body.abandoned", from: [{ path: "abandoned" }], as: "bool" },
    { to: "body.resolved", from: [{ path: "resolved" }], as: "bool" },
    { to: "body.topic", from: [{ path: "disposition" }, { path: "topic" }], as: "slug" },
  ],
};
