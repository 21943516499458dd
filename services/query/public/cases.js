/* global document, localStorage, fetch, URLSearchParams */
// The follow-up case queue: my team / breaching soon / overdue / all, worked from the keyboard
// (1–4 switch views, ↑/↓ or j/k move, Enter opens, Esc goes back, Ctrl+Enter saves). A case view
// shows the case, its evidence and history, and the customer's recent feedback and contacts.
// Reads use the read token; PATCH uses the write token and sends the version it read (a 409 says
// someone changed the case in between: it is reloaded and the message says so).
const $ = (id) => document.getElementById(id);
const state = {
  read: localStorage.getItem("pulse.readToken"),
  write: localStorage.getItem("pulse.writeToken"),
  view: "team",
  cases: [],
  current: null,
};
$("team").value = localStorage.getItem("pulse.team") ?? "";
$("me").value = localStorage.getItem("pulse.me") ?? "";

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function askTokens(message = "") {
  $("token-error").textContent = message;
  $("read-input").value = state.read ?? "";
  $("write-input").value = state.write ?? "";
  $("token-dialog").showModal();
  $("read-input").focus();
}

$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const read = $("read-input").value.trim();
  const write = $("write-input").value.trim();
  if (read.length < 16) return void ($("token-error").textContent = "A read token has at least 16 characters.");
  state.read = read;
  state.write = write || null;
  localStorage.setItem("pulse.readToken", read);
  if (write) localStorage.setItem("pulse.writeToken", write);
  else localStorage.removeItem("pulse.writeToken");
  $("token-dialog").close();
  void loadQueue();
});
$("signout").addEventListener("click", () => askTokens());
$("team").addEventListener("change", () => {
  localStorage.setItem("pulse.team", $("team").value.trim());
  void loadQueue();
});
$("me").addEventListener("change", () => localStorage.setItem("pulse.me", $("me").value.trim()));

async function api(path, init = {}, token = state.read) {
  const res = await fetch(path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) } });
  const body = res.headers.get("content-type")?.includes("json") ? await res.json() : null;
  if (res.status === 401) askTokens("That token was not accepted.");
  return { status: res.status, body };
}

function queueQuery() {
  const q = new URLSearchParams({ limit: "100" });
  const team = $("team").value.trim();
  if (state.view === "team") {
    q.set("state", "open,in_progress,waiting_customer");
    if (team) q.set("team", team);
  } else if (state.view === "soon") q.set("due", "soon");
  else if (state.view === "overdue") q.set("due", "overdue");
  return q;
}

function nextDue(c) {
  if (!["open", "in_progress", "waiting_customer"].includes(c.state)) return null;
  return c.firstResponseAt === null ? Math.min(Date.parse(c.firstResponseDue), Date.parse(c.resolutionDue)) : Date.parse(c.resolutionDue);
}

function dueText(c) {
  const due = nextDue(c);
  if (due === null) return { text: c.state, cls: "" };
  const mins = Math.round((due - Date.now()) / 60000);
  if (mins < 0) return { text: `overdue ${-mins} min`, cls: "overdue" };
  return { text: mins < 60 ? `in ${mins} min` : `in ${(mins / 60).toFixed(1)} h`, cls: mins <= 240 ? "soon" : "" };
}

let queueLoads = 0;
async function loadQueue(focusId) {
  for (const b of document.querySelectorAll("[data-view]")) b.setAttribute("aria-pressed", String(b.dataset.view === state.view));
  // Loads can overlap (changing "me" and "team" each start one): only the latest one renders.
  const load = ++queueLoads;
  const { status, body } = await api(`/v1/cases?${queueQuery()}`);
  if (load !== queueLoads) return;
  if (status !== 200) return void ($("status").textContent = body?.detail ?? `queue: HTTP ${status}`);
  // A refresh must not take the keyboard's place away: the focused row stays focused.
  focusId ??= document.activeElement?.closest?.("#queue tbody tr")?.dataset?.caseId;
  state.cases = body.cases;
  if ($("case").hidden) $("status").textContent = `${body.total} case${body.total === 1 ? "" : "s"}`;
  const rows = body.cases.map((c) => {
    const tr = el("tr");
    tr.tabIndex = 0;
    tr.dataset.caseId = c.id;
    const due = dueText(c);
    const cells = [el("td", due.text, due.cls), el("td", c.trigger), el("td", c.severity), el("td", c.customerId ?? "–"), el("td", c.touchpoint ?? "–"), el("td", c.state), el("td", c.team ?? "–"), el("td", c.owner ?? "unassigned")];
    tr.append(...cells);
    tr.setAttribute("aria-label", `${c.trigger}, ${c.severity}, customer ${c.customerId}, ${c.state}, ${due.text}, owner ${c.owner ?? "none"}`);
    tr.addEventListener("click", () => openCase(c.id));
    return tr;
  });
  document.querySelector("#queue tbody").replaceChildren(...rows);
  $("queue-note").textContent = rows.length === 0 ? "Nothing in this view." : "";
  const target = (focusId && rows.find((r) => r.dataset.caseId === focusId)) || null;
  target?.focus();
}

for (const b of document.querySelectorAll("[data-view]"))
  b.addEventListener("click", () => {
    state.view = b.dataset.view;
    void loadQueue();
  });

async function openCase(id) {
  const { status, body } = await api(`/v1/cases/${encodeURIComponent(id)}`);
  if (status !== 200) return void ($("status").textContent = body?.detail ?? `case: HTTP ${status}`);
  state.current = body.case;
  renderCase(body);
  $("case").hidden = false;
  $("case-error").textContent = "";
  $("f-state").focus();
}

function renderCase({ case: c, history, customer }) {
  $("case-title").textContent = `Case ${c.id} · ${c.trigger} · ${c.state}`;
  $("case").dataset.caseId = c.id;
  $("case").dataset.state = c.state;
  $("case").dataset.version = String(c.version);
  const fields = [
    ["State", c.state],
    ["Severity", c.severity],
    ["Customer", c.customerId ?? "–"],
    ["Touchpoint", `${c.touchpoint ?? "–"} · ${c.channel ?? "–"} · ${c.segment ?? "–"}`],
    ["Team / owner", `${c.team ?? "–"} / ${c.owner ?? "unassigned"}`],
    ["First response", c.firstResponseAt ? `${c.firstResponseAt} (due ${c.firstResponseDue})` : `due ${c.firstResponseDue}`],
    ["Resolution", c.resolvedAt ? `${c.resolvedAt} (due ${c.resolutionDue})` : `due ${c.resolutionDue}`],
    ["Root cause / outcome", `${c.rootCause ?? "–"} / ${c.outcome ?? "–"}`],
    ["Version", String(c.version)],
  ];
  $("case-fields").replaceChildren(...fields.flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
  const ev = c.evidence ?? {};
  const evidence = [];
  if (ev.score) evidence.push(el("p", `${ev.score.kind.toUpperCase()} ${ev.score.value}`));
  if (ev.complaintSeverity) evidence.push(el("p", `complaint: ${ev.complaintCategory} (${ev.complaintSeverity})`));
  if (ev.comment) evidence.push(el("blockquote", ev.comment));
  if (ev.topics?.length) evidence.push(el("p", `topics: ${ev.topics.join(", ")}`));
  if (ev.contacts?.length) evidence.push(el("p", `contacts: ${ev.contacts.join(", ")}`));
  $("case-evidence").replaceChildren(...evidence);
  $("f-owner").value = c.owner ?? "";
  $("f-root").value = c.rootCause ?? "";
  $("f-outcome").value = "";
  $("f-state").value = "";
  $("f-note").value = "";
  $("case-recent").replaceChildren(
    ...customer.recent.map((r) => el("li", `${r.occurredAt} · ${r.type} · ${r.touchpoint}/${r.channel}${r.nps !== null ? ` · NPS ${r.nps}` : ""}${r.csat !== null ? ` · CSAT ${r.csat}` : ""}${r.text ? ` · “${r.text}”` : ""}`)),
  );
  if (customer.recent.length === 0) $("case-recent").replaceChildren(el("li", "nothing recent"));
  $("case-others").replaceChildren(...(customer.cases.length ? customer.cases.map((o) => el("li", `${o.createdAt} · ${o.trigger} · ${o.state}`)) : [el("li", "none")]));
  $("case-history").replaceChildren(
    ...history.map((h) => el("li", `${h.at} · ${h.actor} · ${h.action}${Object.keys(h.changes).length ? ` · ${Object.entries(h.changes).map(([k, [a, b]]) => `${k}: ${a ?? "–"} → ${b ?? "–"}`).join("; ")}` : ""}${h.note ? ` · “${h.note}”` : ""}`)),
  );
}

function closeCase() {
  const id = state.current?.id;
  $("case").hidden = true;
  state.current = null;
  void loadQueue(id);
}
$("case-close").addEventListener("click", closeCase);

$("case-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const c = state.current;
  if (!c) return;
  if (!state.write) return void ($("case-error").textContent = "Read-only: add a write token (Change tokens) to work cases.");
  const actor = $("me").value.trim();
  if (!actor) {
    $("case-error").textContent = "Me: enter your name first (it is recorded in the case history).";
    return $("me").focus();
  }
  const patch = { version: c.version, actor };
  if ($("f-state").value) patch.state = $("f-state").value;
  const owner = $("f-owner").value.trim();
  if (owner !== (c.owner ?? "")) patch.owner = owner || null;
  const root = $("f-root").value.trim();
  if (root && root !== c.rootCause) patch.rootCause = root;
  if ($("f-outcome").value) patch.outcome = $("f-outcome").value;
  const note = $("f-note").value.trim();
  if (note) patch.note = note;
  const { status, body } = await api(`/v1/cases/${encodeURIComponent(c.id)}`, { method: "PATCH", body: JSON.stringify(patch) }, state.write);
  if (status === 200) {
    $("case-error").textContent = "";
    $("status").textContent = `saved: ${body.state}, version ${body.version}`;
    void loadQueue();
    return openCase(c.id);
  }
  if (status === 409) {
    await openCase(c.id);
    $("case-error").textContent = "Someone changed this case while you were on it: it is reloaded, apply your change again.";
    return;
  }
  $("case-error").textContent = body?.detail ?? `HTTP ${status}`;
});

document.addEventListener("keydown", (e) => {
  const inField = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName ?? "");
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !$("case").hidden) {
    e.preventDefault();
    return $("case-form").requestSubmit();
  }
  if (e.key === "Escape" && !$("case").hidden && !$("token-dialog").open) {
    e.preventDefault();
    return closeCase();
  }
  if (inField || !$("case").hidden) return;
  const views = { 1: "team", 2: "soon", 3: "overdue", 4: "all" };
  if (views[e.key]) {
    state.view = views[e.key];
    return void loadQueue();
  }
  const rows = [...document.querySelectorAll("#queue tbody tr")];
  const at = rows.indexOf(document.activeElement);
  if (e.key === "ArrowDown" || e.key === "j") {
    e.preventDefault();
    rows[Math.min(rows.length - 1, at + 1)]?.focus();
  } else if (e.key === "ArrowUp" || e.key === "k") {
    e.preventDefault();
    rows[Math.max(0, at - 1)]?.focus();
  } else if (e.key === "Enter" && at >= 0) {
    e.preventDefault();
    void openCase(rows[at].dataset.caseId);
  }
});

if (state.read) void loadQueue();
else askTokens();
