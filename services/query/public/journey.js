// The customer journey view: one column per journey stage (catalogue order), each with the stage's
// own aggregate and its touchpoints (headline, interval, target status, volume, pain-point mark),
// and a line across the stages showing how NPS (CSAT top-2 where a stage has no NPS) rises and
// falls along the journey, with 95% intervals. Touchpoints are buttons (data-journey-touchpoint,
// apart from the cards' data-touchpoint): Enter opens the drill-down.
import { gapText, headline, targetStatus } from "./cards.js";
import { journeyBadge } from "./actions.js";

const SVG = "http://www.w3.org/2000/svg";
const num = (v, digits = 1) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));

/** The stage's point on the journey line: NPS, else CSAT top-2, else nothing. */
export function stagePoint(s) {
  if (s.scores.nps.n > 0) return { metric: "NPS", value: s.scores.nps.value, ci95: s.scores.nps.ci95, n: s.scores.nps.n };
  if (s.scores.csat.n > 0) return { metric: "CSAT top-2 %", value: s.scores.csat.top2Box, ci95: s.scores.csat.ci95, n: s.scores.csat.n };
  return null;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderJourney(root, line, body, { onSelect, selected, actions = new Map() }) {
  const columns = body.stages.map((s) => {
    const col = el("section", "stage");
    col.dataset.stage = s.stage;
    col.setAttribute("aria-label", `stage ${s.position}: ${s.stage}`);
    const head = el("header", "stage-head");
    head.append(el("h3", "", `${s.position}. ${s.stage}`));
    const p = stagePoint(s);
    const agg = el("p", "stage-agg", p ? `${p.metric} ${num(p.value)} [${num(p.ci95?.[0])}, ${num(p.ci95?.[1])}] · n ${p.n}` : `${s.scores.volume.events} events, no survey answers`);
    agg.dataset.testid = "stage-aggregate";
    head.append(agg);
    if (s.painPoints.length > 0) head.append(el("p", "stage-pain", `pain points: ${s.painPoints.join(", ")}`));
    col.append(head);
    const list = el("ul", "stage-tps");
    for (const t of s.touchpoints) {
      const h = headline(t);
      const status = targetStatus(t.targets);
      const li = el("li");
      const b = el("button", `tp${t.painPoint ? " pain" : ""}`);
      b.type = "button";
      b.dataset.journeyTouchpoint = t.touchpoint;
      b.dataset.headline = h.metric;
      b.setAttribute("aria-pressed", String(selected === t.touchpoint));
      const name = el("span", "name", t.label ? `${t.touchpoint} · ${t.label}` : t.touchpoint);
      const value = el("span", "value", h.value);
      value.dataset.testid = "journey-headline";
      const detail = el("span", "ci", h.detail);
      const meta = el("span", "meta", `${status.text} · ${t.volume.events} events${t.painPoint ? ` · pain point #${t.painPoint.rank}` : ""}`);
      const gap = el("span", "meta gap", gapText(t));
      b.append(name, value, detail, meta, gap);
      if (actions.has(t.touchpoint)) b.append(journeyBadge(actions.get(t.touchpoint)));
      b.setAttribute("aria-label", `${t.touchpoint}, stage ${s.stage}: ${h.aria}, ${status.text}${t.painPoint ? `, pain point ${t.painPoint.rank}` : ""}`);
      b.addEventListener("click", () => onSelect(t.touchpoint));
      li.append(b);
      list.append(li);
    }
    col.append(list);
    return col;
  });
  root.replaceChildren(...columns);
  root.dataset.stages = body.stages.map((s) => s.stage).join(",");
  drawLine(line, body.stages);
}

function drawLine(svg, stages) {
  const w = Math.max(300, svg.clientWidth || 900);
  const h = 160;
  const pad = 36;
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.replaceChildren();
  const pts = stages.map((s, i) => ({ s, i, p: stagePoint(s) }));
  const known = pts.filter((x) => x.p && x.p.value !== null);
  const lo = Math.min(...known.map((x) => x.p.ci95?.[0] ?? x.p.value), 0);
  const hi = Math.max(...known.map((x) => x.p.ci95?.[1] ?? x.p.value), 0);
  const span = hi - lo || 1;
  const x = (i) => pad + ((w - 2 * pad) * (i + 0.5)) / Math.max(1, stages.length);
  const y = (v) => h - pad / 2 - ((h - pad) * (v - lo)) / span;
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  add("line", { x1: pad, x2: w - pad, y1: y(0), y2: y(0), class: "zero" });
  if (known.length > 1) add("polyline", { points: known.map((k) => `${x(k.i)},${y(k.p.value)}`).join(" "), class: "path" });
  for (const k of known) {
    if (k.p.ci95) add("line", { x1: x(k.i), x2: x(k.i), y1: y(k.p.ci95[0]), y2: y(k.p.ci95[1]), class: "ci" });
    add("circle", { cx: x(k.i), cy: y(k.p.value), r: 5, class: "dot" });
    add("text", { x: x(k.i) + 8, y: y(k.p.value) - 6, class: "label" }, `${num(k.p.value)}`);
  }
  for (const { s, i } of pts) add("text", { x: x(i), y: h - 2, "text-anchor": "middle", class: "axis" }, s.stage);
  svg.setAttribute("aria-label", `Journey line: ${pts.map(({ s, p }) => `${s.stage} ${p ? `${p.metric} ${num(p.value)}` : "no survey answers"}`).join(", ")}`);
}
