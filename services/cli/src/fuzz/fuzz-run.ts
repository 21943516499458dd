/**
 * Sends hostile requests over real HTTP to a listening collector and query service and checks
 * every answer: no 5xx other than 503 (an outage), no hang, no 2xx without a valid token of the
 * right kind, every problem carries a stable code and a detail, every rejected event names its
 * issues (code, path, message), every accepted event is valid under the contract, no prototype
 * pollution, RSS sampled over time.
 */
import { Agent, request as httpRequest } from "node:http";
import { validateEvent } from "@pulse/contract";
import { collectorRequest, queryRequest, rng, type FuzzTokens, type HostileRequest } from "./hostile";

export interface FuzzOptions {
  collectorUrl: string;
  queryUrl: string;
  tokens: FuzzTokens;
  requests: number;
  seed?: number;
  concurrency?: number;
  /** Share of requests to the collector (the rest to the query service). */
  collectorShare?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface FuzzReport {
  sent: number;
  byStatus: Record<string, number>;
  byTarget: Record<string, number>;
  clientErrors: number;
  hangs: number;
  unexpected5xx: number;
  outage503: number;
  unauthenticatedAnswers: number;
  problemsWithoutCode: number;
  rejectionsWithoutIssue: number;
  invalidAccepted: number;
  acceptedEvents: number;
  /** /v1/stream answers by status, and 200s that were not an event stream. */
  streams: Record<string, number>;
  brokenStreams: number;
  polluted: boolean;
  maxRssMb: number;
  rssSeries: Array<[number, number]>;
  seconds: number;
  samples: string[];
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
}

function send(agent: Agent, base: URL, req: HostileRequest, timeoutMs: number): Promise<Answer | "hang" | "client_error"> {
  return new Promise((resolve) => {
    let r: ReturnType<typeof httpRequest>;
    try {
      // A live stream never ends by itself: it goes on its own socket (not the keep-alive pool).
      r = httpRequest({ agent: req.stream ? false : agent, host: base.hostname, port: base.port, method: req.method, path: req.path, headers: { ...req.headers, ...(req.body ? { "content-length": String(req.body.length) } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), contentType: String(res.headers["content-type"] ?? "") });
        res.on("data", (c: Buffer) => {
          // Keep at most 16 MB of an answer (every answer is checked whole; a longer one is
          // reported as a problem without code, since it cannot be parsed).
          if (size < 16 * 1024 * 1024) chunks.push(c);
          size += c.length;
          // An open event stream: its first bytes are its answer; hang up (the server must cope).
          if (req.stream && res.statusCode === 200) {
            done();
            r.destroy();
          }
        });
        res.on("end", done);
        res.on("error", () => resolve("client_error"));
      });
    } catch {
      // Node refuses to send some hostile paths or header values at all: nothing reached the server.
      resolve("client_error");
      return;
    }
    r.setTimeout(timeoutMs, () => {
      r.destroy();
      resolve("hang");
    });
    r.on("error", () => resolve("client_error"));
    r.end(req.body);
  });
}

function check(req: HostileRequest, a: Answer, rep: FuzzReport, sample: (s: string) => void): void {
  const where = `${req.target} ${req.method} ${req.path.slice(0, 120)} auth=${req.auth}`;
  if (req.stream) {
    rep.streams[a.status] = (rep.streams[a.status] ?? 0) + 1;
    if (a.status === 200 && !(a.contentType.startsWith("text/event-stream") && a.body.startsWith("retry:"))) {
      rep.brokenStreams++;
      sample(`stream answered 200 without an event stream ${where}: ${a.contentType} ${a.body.slice(0, 100)}`);
    }
  }
  if (a.status >= 500) {
    if (a.status === 503) rep.outage503++;
    else {
      rep.unexpected5xx++;
      sample(`${a.status} ${where}: ${a.body.slice(0, 200)}`);
    }
    return;
  }
  if (a.status < 300 && req.auth !== "valid") {
    rep.unauthenticatedAnswers++;
    sample(`answered ${a.status} without a valid token: ${where}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(a.body);
  } catch {
    json = undefined;
  }
  const o = (json ?? {}) as Record<string, unknown>;
  if (a.status >= 400) {
    if (typeof o.code !== "string" || o.code === "" || typeof o.detail !== "string" || !a.contentType.includes("problem+json")) {
      rep.problemsWithoutCode++;
      sample(`problem without code/detail ${a.status} ${where}: ${a.body.slice(0, 200)}`);
    }
  }
  if (req.target === "collector" && Array.isArray(o.results)) {
    for (const res of o.results as Array<Record<string, unknown>>) {
      if (res.status === "rejected") {
        const errors = res.errors as Array<Record<string, unknown>> | undefined;
        if (!errors?.length || errors.some((e) => typeof e.code !== "string" || typeof e.path !== "string" || typeof e.message !== "string" || e.message === "")) {
          rep.rejectionsWithoutIssue++;
          sample(`rejection without issue ${where}: ${JSON.stringify(res).slice(0, 200)}`);
        }
      }
      if (res.status === "accepted") {
        rep.acceptedEvents++;
        const item = req.items?.[res.index as number];
        // Bodies whose items we cannot re-read (mutated bytes) were judged by the contract on the server only.
        if (req.items && (item === undefined || !validateEvent(item, { now: new Date() }).ok)) {
          rep.invalidAccepted++;
          sample(`accepted an invalid event ${where}: ${JSON.stringify(item).slice(0, 200)}`);
        }
      }
    }
  }
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const r = rng(opts.seed ?? 1);
  const concurrency = opts.concurrency ?? 32;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const share = opts.collectorShare ?? 0.7;
  const log = opts.log ?? (() => undefined);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const collector = new URL(opts.collectorUrl);
  const query = new URL(opts.queryUrl);
  const rep: FuzzReport = {
    sent: 0,
    byStatus: {},
    byTarget: {},
    clientErrors: 0,
    hangs: 0,
    unexpected5xx: 0,
    outage503: 0,
    unauthenticatedAnswers: 0,
    problemsWithoutCode: 0,
    rejectionsWithoutIssue: 0,
    invalidAccepted: 0,
    acceptedEvents: 0,
    streams: {},
    brokenStreams: 0,
    polluted: false,
    maxRssMb: 0,
    rssSeries: [],
    seconds: 0,
    samples: [],
  };
  const sample = (s: string) => {
    if (rep.samples.length < 20) rep.samples.push(s);
  };
  const started = Date.now();
  const every = Math.max(1000, Math.min(10_000, Math.floor(opts.requests / 20)));
  let next = 0;
  const worker = async () => {
    while (next < opts.requests) {
      const n = next++;
      const req = r() < share ? collectorRequest(r, n, opts.tokens) : queryRequest(r, opts.tokens);
      const a = await send(agent, req.target === "collector" ? collector : query, req, timeoutMs);
      rep.sent++;
      rep.byTarget[req.target] = (rep.byTarget[req.target] ?? 0) + 1;
      if (a === "hang") {
        rep.hangs++;
        sample(`no answer within ${timeoutMs} ms: ${req.target} ${req.method} ${req.path.slice(0, 120)}`);
      } else if (a === "client_error") rep.clientErrors++;
      else {
        rep.byStatus[a.status] = (rep.byStatus[a.status] ?? 0) + 1;
        check(req, a, rep, sample);
      }
      if (rep.sent % 1000 === 0) {
        const rss = Math.round(process.memoryUsage().rss / 1048576);
        rep.maxRssMb = Math.max(rep.maxRssMb, rss);
        if (rep.sent % every === 0) {
          rep.rssSeries.push([rep.sent, rss]);
          log(`fuzz: ${rep.sent} sent, ${Math.round(rep.sent / ((Date.now() - started) / 1000))} req/s, rss ${rss} MB, statuses ${JSON.stringify(rep.byStatus)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  rep.seconds = Math.round((Date.now() - started) / 1000);
  rep.polluted = ({} as Record<string, unknown>).polluted !== undefined || (Object.prototype as unknown as Record<string, unknown>).polluted !== undefined;
  return rep;
}
