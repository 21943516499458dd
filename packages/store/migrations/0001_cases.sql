-- Follow-up cases (the inner loop): one row per triggering event, mutable, audited.
-- Owned by services/worker (creation), services/query (API) and services/jobs (SLA timers).

CREATE TABLE cases (
  id text PRIMARY KEY,                          -- derived from tenant + event id + trigger (see @pulse/cases)
  tenant_id text NOT NULL,
  event_id text NOT NULL,
  trigger text NOT NULL,                        -- nps_detractor | csat_low | complaint_severe | repeat_contact | …
  severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  customer_id text,                             -- pseudonymous id, as on the event
  touchpoint text,
  channel text,
  segment text,
  evidence jsonb NOT NULL DEFAULT '{}'::jsonb,  -- score, redacted comment, topics, the contacts that led here
  event_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'in_progress', 'waiting_customer', 'resolved', 'closed')),
  team text,
  owner text,
  root_cause text,
  outcome text,
  first_response_due timestamptz NOT NULL,
  resolution_due timestamptz NOT NULL,
  first_response_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  first_response_breached_at timestamptz,       -- set once, by the escalation that counted the breach
  resolution_breached_at timestamptz,
  reopen_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,           -- optimistic concurrency: every change bumps it
  UNIQUE (tenant_id, event_id, trigger),
  CHECK (state <> 'closed' OR (root_cause IS NOT NULL AND outcome IS NOT NULL))
);

CREATE INDEX cases_queue ON cases (tenant_id, state, resolution_due);
CREATE INDEX cases_team ON cases (tenant_id, team, state);
CREATE INDEX cases_customer ON cases (tenant_id, customer_id, created_at DESC);

-- Every change to a case: who, what (field → [from, to]), when. Never updated, never deleted.
-- `shipped_at` marks the rows already copied to ClickHouse's case_history for analysts.
CREATE TABLE case_history (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (id),
  tenant_id text NOT NULL,
  version integer NOT NULL,                     -- the case's version after this change
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,                          -- a user, or system:<role> for automatic changes
  action text NOT NULL,                         -- created | updated | escalated | …
  changes jsonb NOT NULL DEFAULT '{}'::jsonb,
  note text,
  shipped_at timestamptz
);

CREATE INDEX case_history_case ON case_history (case_id, seq);
CREATE INDEX case_history_unshipped ON case_history (seq) WHERE shipped_at IS NULL;

-- Round-robin assignment: the next member index per tenant and team.
CREATE TABLE case_rotation (
  tenant_id text NOT NULL,
  team text NOT NULL,
  next_index integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, team)
);
