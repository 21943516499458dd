export {
  EVENT_TYPES,
  CHANNELS,
  CALL_CHANNELS,
  CONTACT_CHANNELS,
  SCHEMA_VERSIONS,
  CURRENT_SCHEMA_VERSION,
  Journey,
  Customer,
  Agent,
  SurveyResponseEvent,
  CallCompletedEvent,
  ContactCompletedEvent,
  ComplaintOpenedEvent,
  ComplaintResolvedEvent,
  EVENT_SCHEMAS_V1,
  FeedbackEventV1,
  FeedbackEvent,
} from "./event";
export type { EventType, Channel, SchemaVersion, EventOfType, BodyOfType } from "./event";
export {
  SurveyResponseBody,
  CallCompletedBody,
  ContactCompletedBody,
  ComplaintOpenedBody,
  ComplaintResolvedBody,
  SEVERITIES,
  RESOLUTIONS,
} from "./bodies";
export type { Severity, Resolution } from "./bodies";
export {
  Attributes,
  FORBIDDEN_KEYS,
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_STRING_LENGTH,
} from "./attributes";
export { formatPath as formatIssuePath, ValidationIssue, VALIDATION_ISSUE_CODES } from "./issues";
export type { ValidationIssueCode } from "./issues";
export { validateEvent, DEFAULT_MAX_FUTURE_SKEW_MS, DEFAULT_MAX_ISSUES, DEFAULT_MIN_OCCURRED_AT, EARLIEST_MIN_OCCURRED_AT } from "./validate";
export type { ValidateOptions } from "./validate";
export { eventPartitionKey } from "./partition";
export {
  buildFeedbackEventJsonSchema,
  buildOpenApiComponents,
  feedbackEventJsonSchema,
  openApiComponents,
  EVENT_COMPONENT_NAMES,
} from "./json-schema";
export type { JsonSchema } from "./json-schema";
export { TenantId, TENANT_PATTERN, TENANT_RULE, isTenantId } from "./tenant";
export { canonicalName, CANONICAL_DIMENSIONS } from "./names";
export type { CanonicalDimension } from "./names";
export {
  WIRE_VERSION,
  WIRE_VERSIONS,
  WIRE_ERROR_CODES,
  MAX_WIRE_BYTES,
  WireMessage,
  WireMessageV1,
  encodeWire,
  decodeWire,
  describeIssues,
} from "./wire";
export type { DecodedWire, WireDecodeError, WireErrorCode, WireInput, DecodeWireOptions } from "./wire";
