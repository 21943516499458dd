// Pulse ops dashboard. Plain ES module, no build step; charts by uPlot (global `uPlot`).
// Live scores arrive over /v1/stream (SSE); the slower panels refresh when the stream says
// something changed, throttled, and on a timer as a fallback.
/* global uPlot */
import { gapText, headline, targetStatus } from "./cards.js";
import { renderJourney } from "./journey.js";
import { actionMarkers, actionsByTouchpoint, renderActionList } from "./actions.js";
import { renderAlerts } from "./alerts.js";

const TOKEN_KEY = "pulse.readToken";
const COLORS = ["#58a6ff", "#3fb950", "#d29922", "#f85149", "#bc8cff", "#39c5cf", "#ff7b72", "#e3b341"];
const METRIC_FORMAT = {
  nps: (v) => v.toFixed(1),
  csatTop2: (v) => `${v.toFixed(1)}%`,
  ces: (v) => v.toFixed(2),
  fcr: (v) => `${(v * 100).toFixed(1)}%`,
  fcrEarly: (v) => `${(v * 100).toFixed(1)}%`,
  abandonment: (v) => `${(v * 100).toFixed(1)}%`,
  waitMean: (v) => `${v.toFixed(1)} s`,
  waitP90: (v) => `${v.toFixed(0)} s`,
  complaintsPer1000: (v) => v.toFixed(1),
  events: (v) => v.toFixed(0),
};

const $ = (id) => document.getElementById(id);
const state = {
  token: null,
  window: "1h",
  metric: "nps",
  grain: "auto",
  selected: null,
  scores: null,
  source: null,
  sparks: new Map(),
  trend: null,
  actions: [],
  actionsLoad: null,
};

// ---------------------------------------------------------------- token

function readToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return localStorage.getItem(TOKEN_KEY);
}

function askToken(message = "") {
  $("token-error").textContent = message;
  const dialog = $("token-dialog");
  if (!dialog.open) dialog.showModal();
  $("token-input").focus();
}

$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const value = $("token-input").value.trim();
  if (value.length < 16) {
    $("token-error").textContent = "A read token has at least 16 characters.";
    return;
  }
  localStorage.setItem(TOKEN_KEY, value);
  state.token = value;
  $("token-dialog").close();
  start();
});

$("signout").addEventListener("click", () => {
  localStorage.removeItem(TOKEN_KEY);
  state.token = null;
  state.source?.close();
  askToken();
});

// ---------------------------------------------------------------- API

class AuthError extends Error {}

async function api(path, params) {
  const url = `${path}?${new URLSearchParams(params)}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${state.token}` } });
  if (res.status === 401) throw new AuthError("unknown token");
  const body = await res.json();
  if (!res.ok) throw new Error(body.detail || `HTTP ${res.status}`);
  return body;
}

function handleError(e) {
  if (e instanceof AuthError) {
    state.source?.close();
    askToken("That token was not accepted.");
  } else {
    console.error(e);
    setStatus(`error: ${e.message}`, "down");
  }
}

function setStatus(text, kind) {
  const el = $("status");
  el.textContent = text;
  el.className = `status ${kind || ""}`;
}

/** Runs `fn` at most once per `ms`, trailing call kept. */
function throttle(fn, ms) {
  let last = 0;
  let timer = null;
  return () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn();
      }, wait);
    }
  };
}

// ---------------------------------------------------------------- formatting

const fmt = (v, digits = 1) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
const pct = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);

// FCR as served: a rate only over contacts whose window has closed; open windows are a count
// beside it, and the Kaplan–Meier estimate says how far (in hours) it reaches. Never a share of
// undecided contacts.
function fcrText(f) {
  const parts = [f.value === null ? "FCR – (no closed window)" : `FCR ${pct(f.value)} (n ${f.n})`];
  if (f.pending.contacts > 0) parts.push(`${f.pending.contacts} pending`);
  if (f.early.value !== null && !(f.value !== null && f.early.reachesWindow)) {
    const reach = f.early.reachesWindow ? `${f.windowDays} d` : `${Math.floor(f.early.horizonHours)} h`;
    parts.push(`no repeat within ${reach}: ${pct(f.early.value)} (early)`);
  }
  return parts.join(", ");
}
const ci = (c, digits = 1) => (c ? `[${fmt(c[0], digits)}, ${fmt(c[1], digits)}]` : "");

// ---------------------------------------------------------------- touchpoint cards

function renderCards(body) {
  const root = $("touchpoints");
  const groups = body.groups.filter((g) => g.key.touchpoint);
  const seen = new Set();
  for (const g of groups) {
    const tp = g.key.touchpoint;
    seen.add(tp);
    let card = root.querySelector(`[data-touchpoint="${CSS.escape(tp)}"]`);
    if (!card) {
      card = document.createElement("button");
      card.type = "button";
      card.className = "card";
      card.dataset.touchpoint = tp;
      card.setAttribute("aria-pressed", "false");
      card.innerHTML = `<span class="name"><span class="tp"></span><span class="badge"></span></span>
        <span class="value" data-testid="headline-value"></span>
        <span class="ci"></span><span class="spark" aria-hidden="true"></span><span class="meta"></span><span class="meta gap"></span>`;
      card.querySelector(".tp").textContent = tp;
      card.addEventListener("click", () => select(tp));
      root.appendChild(card);
    }
    const status = targetStatus(g.targets);
    const badge = card.querySelector(".badge");
    badge.className = `badge ${status.cls}`;
    badge.textContent = status.text;
    // The headline is the metric this touchpoint's data supports (see cards.js).
    const h = headline(g);
    card.dataset.headline = h.metric;
    card.querySelector(".value").textContent = h.value;
    card.querySelector(".ci").textContent = h.detail;
    card.querySelector(".gap").textContent = gapText(g);
    card.querySelector(".meta").textContent =
      `CSAT ${fmt(g.csat.top2Box)}% · ${fcrText(g.fcr)} · wait p90 ${g.waitSeconds.p90 ?? "–"} s · complaints ${g.complaints.opened}`;
    card.setAttribute("aria-label", `${tp}: ${h.aria}, ${status.text}`);
  }
  for (const card of [...root.children]) if (!seen.has(card.dataset.touchpoint)) card.remove();
  root.dataset.updatedAt = new Date().toISOString();
  // A card that appeared after the last sparkline load gets its sparkline soon.
  if ([...root.querySelectorAll(".spark")].some((el) => el.dataset.loadedFor !== state.window)) refreshSparksSoon();
}

async function refreshSparks() {
  const body = await api("/v1/scores/timeseries", { metric: "nps", window: state.window, groupBy: "touchpoint" });
  for (const el of $("touchpoints").querySelectorAll(".spark")) el.dataset.loadedFor = body.window;
  for (const s of body.series) {
    const card = $("touchpoints").querySelector(`[data-touchpoint="${CSS.escape(s.key.touchpoint)}"] .spark`);
    if (!card) continue;
    const xs = s.points.map((p) => Date.parse(p.t) / 1000);
    const ys = s.points.map((p) => p.value);
    const width = Math.max(120, card.clientWidth || card.parentElement.clientWidth - 24);
    let plot = state.sparks.get(s.key.touchpoint);
    if (plot && plot.root.isConnected) {
      plot.setData([xs, ys]);
      plot.setSize({ width, height: 40 });
    } else {
      card.replaceChildren();
      plot = new uPlot(
        {
          width,
          height: 40,
          legend: { show: false },
          cursor: { show: false },
          axes: [{ show: false }, { show: false }],
          scales: { x: { time: true } },
          series: [{}, { stroke: "#58a6ff", width: 2, spanGaps: true }],
        },
        [xs, ys],
        card,
      );
      state.sparks.set(s.key.touchpoint, plot);
    }
  }
}

// ---------------------------------------------------------------- trend chart

async function refreshTrend() {
  const el = $("trend");
  const body = await api("/v1/scores/timeseries", { metric: state.metric, grain: state.grain, window: state.window, groupBy: "touchpoint" });
  // Awaited before the chart is replaced: from here on nothing yields, so two refreshes cannot both append a chart.
  await state.actionsLoad;
  const xs = (body.series[0]?.points ?? []).map((p) => Date.parse(p.t) / 1000);
  const data = [xs, ...body.series.map((s) => s.points.map((p) => p.value))];
  const format = METRIC_FORMAT[state.metric] ?? ((v) => String(v));
  const series = [
    {},
    ...body.series.map((s, i) => ({
      label: s.key.touchpoint,
      stroke: COLORS[i % COLORS.length],
      width: 2,
      spanGaps: true,
      value: (_u, v) => (v === null || v === undefined ? "–" : format(v)),
    })),
  ];
  const width = Math.max(300, el.clientWidth);
  const height = Math.max(220, Math.round(window.innerHeight * 0.32));
  state.trend?.destroy();
  el.replaceChildren();
  state.trend = new uPlot({ width, height, series, plugins: [actionMarkers(state.actions)], scales: { x: { time: true } }, axes: [{ stroke: "#9aa7b4" }, { stroke: "#9aa7b4", size: 70, values: (_u, ticks) => ticks.map((v) => format(v)) }] }, data, el);
  el.setAttribute("aria-label", `${state.metric} per touchpoint, ${body.grain} buckets, from the ${body.table} rollup`);
  $("trend-note").textContent = `${body.grain} buckets from ${body.table} · ${new Date(body.from).toLocaleString()} – ${new Date(body.to).toLocaleString()}`;
  // Read by the browser test: what the chart currently shows.
  el.dataset.metric = body.metric;
  el.dataset.grain = body.grain;
  el.dataset.points = String(xs.length);
}

// ---------------------------------------------------------------- pain points

async function refreshPain() {
  const body = await api("/v1/pain-points", { window: state.window === "15m" || state.window === "1h" ? "24h" : state.window, limit: 8 });
  const list = $("pain");
  list.replaceChildren(
    ...body.painPoints.map((p) => {
      const li = document.createElement("li");
      const e = p.evidence;
      const topics = e.complaintTopics.map((t) => `${t.topic} (${t.count})`).join(", ") || "no complaint topics";
      li.innerHTML = `<strong></strong> <span class="hint"></span><div class="why"></div><div class="why"></div>`;
      li.querySelector("strong").textContent = p.touchpoint;
      li.querySelector(".hint").textContent = `score ${p.score.toFixed(0)}`;
      const [why, topicLine] = li.querySelectorAll(".why");
      why.textContent =
        `${e.complaints} complaints · ${e.repeatContacts.toFixed(0)} repeat contacts (closed-window FCR ${pct(e.fcr.value)}, ${e.fcr.pending} pending) · ` +
        (e.gapMetric ? `${e.shortfallContacts.toFixed(0)} contacts short of ${e.gapMetric} target` : "targets met");
      topicLine.textContent = `Topics: ${topics}`;
      return li;
    }),
  );
  if (body.painPoints.length === 0) list.innerHTML = "<li>No pain points in this window.</li>";
}

// ---------------------------------------------------------------- journey

async function refreshJourney() {
  const body = await api("/v1/journey", { window: state.window });
  await state.actionsLoad;
  renderJourney($("journey"), $("journey-line"), body, { onSelect: select, selected: state.selected, actions: actionsByTouchpoint(state.actions) });
}

// ---------------------------------------------------------------- corrective actions

/** Never fails: without actions (or without the store) the other panels still render. */
async function refreshActions() {
  try {
    const body = await api("/v1/actions", {});
    state.actions = body.actions;
    renderActionList($("actions"), state.actions);
  } catch (e) {
    if (e instanceof AuthError) throw e;
    state.actions = [];
    $("actions").replaceChildren(Object.assign(document.createElement("li"), { textContent: `Actions unavailable: ${e.message}` }));
  }
}

// ---------------------------------------------------------------- drill-down

function select(tp) {
  state.selected = state.selected === tp ? null : tp;
  for (const card of $("touchpoints").children) card.setAttribute("aria-pressed", String(card.dataset.touchpoint === state.selected));
  for (const b of $("journey").querySelectorAll("button[data-journey-touchpoint]")) b.setAttribute("aria-pressed", String(b.dataset.journeyTouchpoint === state.selected));
  $("drill").hidden = state.selected === null;
  if (state.selected) {
    $("drill-title").textContent = `Drill-down: ${state.selected}`;
    refreshDrill().catch(handleError);
    $("drill").scrollIntoView({ behavior: "smooth", block: "nearest" });
  }
}

$("drill-close").addEventListener("click", () => {
  const tp = state.selected;
  select(tp);
  $("touchpoints").querySelector(`[data-touchpoint="${CSS.escape(tp)}"]`)?.focus();
});

function drillTable(el, dim, body) {
  const rows = body.groups
    .map(
      (g) => `<tr><td>${escapeHtml(g.key[dim] || "(none)")}</td><td>${fmt(g.nps.value)}</td><td>${g.nps.n}</td><td>${fmt(g.csat.top2Box)}%</td>
        <td title="${escapeHtml(fcrText(g.fcr))}">${pct(g.fcr.value)}${g.fcr.pending.contacts > 0 ? ` <span class="hint">+${g.fcr.pending.contacts} pending</span>` : ""}</td><td>${g.waitSeconds.p90 ?? "–"}</td><td>${g.complaints.opened}</td></tr>`,
    )
    .join("");
  el.innerHTML = `<thead><tr><th scope="col">${dim}</th><th scope="col">NPS</th><th scope="col">n</th><th scope="col">CSAT</th>
    <th scope="col">FCR (closed)</th><th scope="col">wait p90</th><th scope="col">complaints</th></tr></thead><tbody>${rows}</tbody>`;
}

async function refreshDrill() {
  if (!state.selected) return;
  const params = { window: state.window, touchpoint: state.selected };
  const [byChannel, bySegment] = await Promise.all([
    api("/v1/scores", { ...params, groupBy: "channel" }),
    api("/v1/scores", { ...params, groupBy: "segment" }),
  ]);
  drillTable($("drill-channel"), "channel", byChannel);
  drillTable($("drill-segment"), "segment", bySegment);
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// ---------------------------------------------------------------- live stream

const refreshSlow = throttle(() => {
  state.actionsLoad = refreshActions().catch(handleError);
  refreshSparks().catch(handleError);
  refreshPain().catch(handleError);
  refreshDrill().catch(handleError);
}, 10_000);
const refreshSparksSoon = throttle(() => refreshSparks().catch(handleError), 2_000);
const refreshTrendThrottled = throttle(() => refreshTrend().catch(handleError), 5_000);
const refreshJourneyThrottled = throttle(() => refreshJourney().catch(handleError), 2_000);

function connect() {
  state.source?.close();
  const url = `/v1/stream?${new URLSearchParams({ groupBy: "touchpoint", window: state.window, token: state.token })}`;
  const source = new EventSource(url);
  state.source = source;
  source.addEventListener("open", () => setStatus("live", "live"));
  source.addEventListener("scores", (e) => {
    state.scores = JSON.parse(e.data);
    // The stream carries the tenant's alert-state version: the alerts panel reloads when it moves.
    if (state.scores.alertsVersion !== undefined && state.scores.alertsVersion !== state.alertsVersion) {
      state.alertsVersion = state.scores.alertsVersion;
      refreshAlerts();
    }
    renderCards(state.scores);
    setStatus(`live · ${new Date().toLocaleTimeString()}`, "live");
    refreshSlow();
    refreshTrendThrottled();
    refreshJourneyThrottled();
  });
  source.addEventListener("problem", (e) => {
    const p = JSON.parse(e.data);
    setStatus(`stale: ${p.detail}`, "down");
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      // A refused stream (bad token) closes for good; check why with a plain request.
      api("/v1/scores", { window: "15m" }).then(() => setTimeout(connect, 3000), handleError);
    }
    setStatus("reconnecting…", "down");
  });
}

function start() {
  state.actionsLoad = refreshActions().catch(handleError);
  refreshAlerts();
  connect();
  refreshTrend().catch(handleError);
  refreshSparks().catch(handleError);
  refreshPain().catch(handleError);
  refreshJourney().catch(handleError);
}

$("window").addEventListener("change", (e) => {
  state.window = e.target.value;
  state.sparks.clear();
  for (const spark of document.querySelectorAll(".spark")) spark.replaceChildren();
  start();
  refreshDrill().catch(handleError);
});
$("metric").addEventListener("change", (e) => {
  state.metric = e.target.value;
  refreshTrend().catch(handleError);
});
$("grain").addEventListener("change", (e) => {
  state.grain = e.target.value;
  refreshTrend().catch(handleError);
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && state.selected) $("drill-close").click();
});
window.addEventListener("resize", throttle(() => {
  if (state.trend) state.trend.setSize({ width: Math.max(300, $("trend").clientWidth), height: Math.max(220, Math.round(window.innerHeight * 0.32)) });
}, 250));
setInterval(() => refreshSlow(), 30_000);

// ---------------------------------------------------------------- alerts

let alertsOff = false;
async function refreshAlerts() {
  if (!state.token || alertsOff) return;
  try {
    renderAlerts($("alerts-active"), $("alerts-history"), await api("/v1/alerts", { state: "all", limit: "50" }));
  } catch (e) {
    // a query service without alerting has no such route: hide the panel for good
    if (String(e.message).includes("404") || String(e.message).includes("not found")) {
      alertsOff = true;
      $("alerts-panel").hidden = true;
    } else handleError(e);
  }
}

state.token = readToken();
if (state.token) start();
else askToken();
