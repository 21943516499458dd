-- What the worker has applied, chunk by chunk (services/worker/README.md, "Exactly once").
-- A chunk's token names its content (topic, partition, offsets and a digest of the messages).
-- 'applied' is written after every insert of the chunk returned, before its offset is committed:
-- a chunk delivered again (a crash before the commit, a rewound or new consumer group) is found
-- here and skipped, however many blocks were inserted since (ClickHouse's insert-token memory
-- covers only the last non_replicated_deduplication_window blocks of a table).
-- 'split' is written before the parts of a chunk that ClickHouse rejected are inserted one by
-- one: a retry after a crash splits the same way instead of inserting the whole chunk again.
-- Kept in ClickHouse, beside the data it describes, so it cannot be lost while the data is kept.
CREATE TABLE IF NOT EXISTS chunk_ledger
(
    token        String,
    node         String,
    kind         Enum8('applied' = 1, 'split' = 2),
    topic        LowCardinality(String),
    partition    UInt16,
    first_offset UInt64,
    last_offset  UInt64,
    at           DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (token, node, kind)
TTL toDateTime(at) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000;
