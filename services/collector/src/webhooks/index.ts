import { callEndedAdapter } from "./call-ended";
import type { WebhookAdapter } from "./mapping";
import { surveyAdapter } from "./survey";

/** Every webhook adapter, served at POST /v1/webhooks/<name>. */
export const WEBHOOK_ADAPTERS: readonly WebhookAdapter[] = [surveyAdapter, callEndedAdapter];

export { callEndedAdapter, surveyAdapter };
export { issueTranslator, mapPayload, type MapContext, type WebhookAdapter } from "./mapping";
