/** Alert webhooks per tenant (ALERT_WEBHOOKS): `{ "<tenant>": [{ "url", "secret", "format": "json" | "slack" }] }`. */
import { z } from "zod";

export const Webhook = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  secret: z.string().min(16, "must be at least 16 characters"),
  format: z.enum(["json", "slack"]).default("json"),
});
export type Webhook = z.infer<typeof Webhook>;
export const WebhookMap = z.record(z.string().min(1), z.array(Webhook));
export type WebhookMap = z.infer<typeof WebhookMap>;
