-- Corrective-action audit history: every change to an action, who made it, what ({field: [from,
-- to]}), when. Written in the same statement as the change (services/query actions.store.ts), never
-- updated, never deleted.
CREATE TABLE IF NOT EXISTS action_history (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant     text        NOT NULL,
  action_id  uuid        NOT NULL,
  version    integer     NOT NULL,                -- the action's version after this change
  at         timestamptz NOT NULL,
  actor      text        NOT NULL,                -- who made the change, as the request named them
  kind       text        NOT NULL CHECK (kind IN ('created', 'updated', 'closed', 'reopened', 'existing')),
  changes    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  FOREIGN KEY (tenant, action_id) REFERENCES actions (tenant, id)
);

CREATE INDEX IF NOT EXISTS action_history_by_action ON action_history (tenant, action_id, seq);

-- Actions recorded before this migration: one `existing` row (the action as it was when the
-- history began; earlier changes were not recorded).
INSERT INTO action_history (tenant, action_id, version, at, actor, kind, changes)
SELECT tenant, id, version, updated_at, 'system:migration', 'existing', '{}'::jsonb FROM actions;
