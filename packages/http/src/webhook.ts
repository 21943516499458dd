/**
 * Outgoing webhooks, one way for every sender (alert notifications, case escalations): a JSON POST
 * with `x-pulse-timestamp`, `x-pulse-idempotency-key` (the receiver drops a key it has seen: a
 * retry after a lost answer is the same delivery) and, when the receiver has a secret,
 * `x-pulse-signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. Anything but 2xx throws, so the
 * caller's queue retries it.
 */
import { createHmac } from "node:crypto";

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export interface SignedWebhook {
  url: string;
  /** The JSON text to send, exactly as signed. */
  body: string;
  /** Absent: sent unsigned. */
  secret?: string | undefined;
  idempotencyKey: string;
  nowMs: number;
  timeoutMs?: number;
}

export async function sendSignedWebhook(w: SignedWebhook): Promise<void> {
  const ts = String(Math.floor(w.nowMs / 1000));
  const headers: Record<string, string> = { "content-type": "application/json", "x-pulse-timestamp": ts, "x-pulse-idempotency-key": w.idempotencyKey };
  if (w.secret !== undefined) headers["x-pulse-signature"] = `v1=${webhookSignature(w.secret, ts, w.body)}`;
  const res = await fetch(w.url, { method: "POST", headers, body: w.body, signal: AbortSignal.timeout(w.timeoutMs ?? 10_000) });
  if (res.status < 200 || res.status >= 300) throw new Error(`webhook ${new URL(w.url).host} answered ${res.status}`);
}
