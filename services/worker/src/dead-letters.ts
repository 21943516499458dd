import type { WireErrorCode } from "@pulse/contract";
import type { OutMessage } from "@pulse/kafka";

/** Why a message could not be stored; the DLQ header `pulse-dlq-reason`. */
export type DeadLetterReason = WireErrorCode | "clickhouse_rejected";

/** A message the worker will not store, as a value: only the consumer loop produces it. */
export interface DeadLetterValue {
  reason: DeadLetterReason;
  detail: string;
  key: Buffer | null;
  value: Buffer | null;
  partition: number;
  offset: string;
}

/** The DLQ headers, read back by `pulse dlq list` (dlq.ts). */
export const DLQ_HEADERS = {
  reason: "pulse-dlq-reason",
  detail: "pulse-dlq-detail",
  sourceTopic: "pulse-source-topic",
  sourcePartition: "pulse-source-partition",
  sourceOffset: "pulse-source-offset",
  failedAt: "pulse-failed-at",
} as const;

/** The DLQ message: the original key and bytes, with the reason and where the message came from. */
export function toDeadLetterMessage(d: DeadLetterValue, sourceTopic: string, failedAt: Date): OutMessage {
  return {
    key: d.key,
    value: d.value ?? Buffer.alloc(0),
    headers: {
      [DLQ_HEADERS.reason]: d.reason,
      [DLQ_HEADERS.detail]: d.detail.slice(0, 2000),
      [DLQ_HEADERS.sourceTopic]: sourceTopic,
      [DLQ_HEADERS.sourcePartition]: String(d.partition),
      [DLQ_HEADERS.sourceOffset]: d.offset,
      [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}
