/**
 * The alert evaluator's durable state in Redis, per tenant:
 *
 *   alerts:<tenant>:version   a counter every writer checks and increments (compare-and-set)
 *   alerts:<tenant>:cursor    the last minute evaluated (epoch ms)
 *   alerts:<tenant>:state     hash "<rule>|<touchpoint>" → MonitorState JSON
 *   alerts:<tenant>:outbox    hash idempotency key → Notification JSON, not yet handed to BullMQ
 *   alerts:<tenant>:silences  hash silence id → Silence JSON
 *   alerts:<tenant>:dead-letters  list of webhook deliveries that failed their last attempt
 *
 * `commit` writes the states, the cursor and the outbox in one Lua script, only if the version is
 * still the one read (a concurrent or duplicate run, or an ack in between, makes it fail and the
 * caller re-reads). The outbox is emptied only after the notification jobs exist in BullMQ (with the
 * idempotency key as job id), so a crash between the two neither loses nor repeats a notification.
 */
import { acknowledge, type Alert, type MonitorState, type Notification, type Silence } from "@pulse/alerting";
import type { Redis } from "@pulse/redis";
import type { DeadLetter } from "./webhooks";

const keys = (tenant: string) => ({
  version: `alerts:${tenant}:version`,
  cursor: `alerts:${tenant}:cursor`,
  state: `alerts:${tenant}:state`,
  outbox: `alerts:${tenant}:outbox`,
  silences: `alerts:${tenant}:silences`,
  dead: `alerts:${tenant}:dead-letters`,
});

export const monitorKey = (ruleId: string, touchpoint: string): string => `${ruleId}|${touchpoint}`;

export interface Snapshot {
  readonly version: number;
  readonly cursor: number | null;
  readonly states: Map<string, MonitorState>;
}

// KEYS: version, cursor, state, outbox. ARGV: expected version, cursor ('' = keep), n states, then
// field/value pairs of states, then field/value pairs of the outbox.
const COMMIT = `
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if v ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
local n = tonumber(ARGV[3])
local i = 4
for _ = 1, n do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]); i = i + 2 end
while i <= #ARGV do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]); i = i + 2 end
redis.call('INCR', KEYS[1])
return 1
`;

export interface AlertStore {
  read(tenant: string): Promise<Snapshot>;
  /** The tenant's state version alone (one GET): it moves on every evaluation and acknowledgement. */
  version(tenant: string): Promise<number>;
  /** false: the version moved (someone else wrote); nothing was written. */
  commit(tenant: string, version: number, cursor: number | null, states: ReadonlyMap<string, MonitorState>, outbox: readonly Notification[]): Promise<boolean>;
  outbox(tenant: string): Promise<Notification[]>;
  clearOutbox(tenant: string, keys: readonly string[]): Promise<void>;
  /**
   * Acknowledges the open alert `alertId` (compare-and-set against the evaluator, retried); the
   * acknowledged alert, or null when no open alert has that id.
   */
  ack(tenant: string, alertId: string, by: string, at: number): Promise<Alert | null>;
  silences(tenant: string): Promise<Silence[]>;
  /** webhook deliveries that failed their last attempt (newest first, the last 1,000 kept) */
  addDeadLetter(tenant: string, d: DeadLetter): Promise<void>;
  deadLetters(tenant: string, limit?: number): Promise<DeadLetter[]>;
  putSilence(tenant: string, s: Silence): Promise<void>;
  deleteSilence(tenant: string, id: string): Promise<boolean>;
}

export function createAlertStore(redis: Redis): AlertStore {
  const store: AlertStore = {
    async read(tenant) {
      const k = keys(tenant);
      const [version, cursor, raw] = await Promise.all([redis.get(k.version), redis.get(k.cursor), redis.hgetall(k.state)]);
      const states = new Map<string, MonitorState>();
      for (const [f, v] of Object.entries(raw)) states.set(f, JSON.parse(v) as MonitorState);
      return { version: Number(version ?? 0), cursor: cursor === null ? null : Number(cursor), states };
    },
    async version(tenant) {
      return Number((await redis.get(keys(tenant).version)) ?? 0);
    },
    async commit(tenant, version, cursor, states, outbox) {
      const k = keys(tenant);
      const args: string[] = [String(version), cursor === null ? "" : String(cursor), String(states.size)];
      for (const [f, s] of states) args.push(f, JSON.stringify(s));
      for (const n of outbox) args.push(n.key, JSON.stringify(n));
      const r = await redis.eval(COMMIT, 4, k.version, k.cursor, k.state, k.outbox, ...args);
      return r === 1;
    },
    async outbox(tenant) {
      const raw = await redis.hgetall(keys(tenant).outbox);
      return Object.values(raw)
        .map((v) => JSON.parse(v) as Notification)
        .sort((a, b) => a.minute - b.minute || a.key.localeCompare(b.key));
    },
    async clearOutbox(tenant, ks) {
      if (ks.length > 0) await redis.hdel(keys(tenant).outbox, ...ks);
    },
    async ack(tenant, alertId, by, at) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const snap = await store.read(tenant);
        const hit = [...snap.states].find(([, st]) => st.alert?.id === alertId && st.alert.status !== "resolved");
        if (!hit) return null;
        const next = acknowledge(hit[1], by, at);
        if (await store.commit(tenant, snap.version, null, new Map([[hit[0], next]]), [])) return next.alert;
      }
      throw new Error(`could not acknowledge ${alertId}: the alert state kept changing`);
    },
    async addDeadLetter(tenant, dl) {
      const k = keys(tenant).dead;
      await redis.multi().lpush(k, JSON.stringify(dl)).ltrim(k, 0, 999).exec();
    },
    async deadLetters(tenant, limit = 100) {
      return (await redis.lrange(keys(tenant).dead, 0, limit - 1)).map((v) => JSON.parse(v) as DeadLetter);
    },
    async silences(tenant) {
      const raw = await redis.hgetall(keys(tenant).silences);
      return Object.values(raw).map((v) => JSON.parse(v) as Silence);
    },
    async putSilence(tenant, s) {
      await redis.hset(keys(tenant).silences, s.id, JSON.stringify(s));
    },
    async deleteSilence(tenant, id) {
      return (await redis.hdel(keys(tenant).silences, id)) > 0;
    },
  };
  return store;
}
