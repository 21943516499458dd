-- Corrective actions (the outer loop): one row per action, per tenant. Mutable (closed, re-owned),
-- guarded by a version for optimistic concurrency. What is measured (touchpoints, control, start,
-- metric, direction, window) is fixed at creation; the query service computes the effect from the
-- ClickHouse rollups on read.
CREATE TABLE IF NOT EXISTS actions (
  tenant              text        NOT NULL,
  id                  uuid        NOT NULL,
  name                text        NOT NULL,
  what                text        NOT NULL,
  owner               text        NOT NULL,
  touchpoints         jsonb       NOT NULL,
  control_touchpoints jsonb,
  start_at            timestamptz NOT NULL,
  metric              text        NOT NULL CHECK (metric IN ('nps', 'csatTop2', 'ces', 'fcr', 'abandonment', 'waitMean')),
  expected_direction  text        NOT NULL CHECK (expected_direction IN ('increase', 'decrease')),
  window_days         integer     NOT NULL CHECK (window_days BETWEEN 1 AND 90),
  status              text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  closed_at           timestamptz,
  outcome             text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  version             integer     NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant, id)
);

CREATE INDEX IF NOT EXISTS actions_by_start ON actions (tenant, start_at DESC);
