// The alerts panel: active alerts (pending, firing) with their evidence, and recent history.
// Fed by GET /v1/alerts?state=all, refreshed every 10 s and whenever the live stream ticks.

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const num = (v) => (v === null || v === undefined ? "—" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
const time = (iso) => (iso ? new Date(iso).toISOString().slice(5, 16).replace("T", " ") : "—");

function evidenceText(e) {
  const v = e.value;
  const ci = v.ci95 ? ` [${num(v.ci95[0])}, ${num(v.ci95[1])}]` : "";
  return `${num(v.value)}${ci} n=${v.n} vs ${e.reference.kind} ${num(e.reference.value)} · ${e.statistic.name} ${num(e.statistic.value)} ≥ ${num(e.statistic.threshold)}`;
}

/** Renders `body` ({ active, history }) into the panel's two lists. */
export function renderAlerts(activeRoot, historyRoot, body) {
  const active = body.active ?? [];
  activeRoot.innerHTML = active.length
    ? active
        .map(
          (a) => `<li class="alert ${esc(a.status)} ${esc(a.severity)}" data-alert-id="${esc(a.id)}">
  <span class="alert-status">${esc(a.status)}</span>
  <strong>${esc(a.touchpoint)}</strong> ${esc(a.metric)} ${esc(a.kind)} <span class="hint">${esc(a.ruleId)}</span>
  <span class="alert-evidence">${esc(evidenceText(a.evidence))}</span>
  <span class="hint">since ${esc(time(a.firedAt ?? a.pendingSince))}${a.ackedBy ? ` · acknowledged by ${esc(a.ackedBy)}` : ""}</span>
</li>`,
        )
        .join("")
    : `<li class="hint" data-testid="no-alerts">No active alerts.</li>`;
  const history = body.history ?? [];
  historyRoot.innerHTML = history.length
    ? `<tr><th>minute</th><th>event</th><th>touchpoint</th><th>rule</th><th>value</th></tr>${history
        .map((h) => `<tr data-history-alert="${esc(h.alertId)}"><td>${esc(time(h.minute))}</td><td>${esc(h.event)}${h.silenced ? " (silenced)" : ""}</td><td>${esc(h.touchpoint)}</td><td>${esc(h.ruleId)}</td><td>${esc(num(h.evidence?.value?.value))}</td></tr>`)
        .join("")}`
    : `<tr><td class="hint">No alert history in the last 7 days.</td></tr>`;
}
