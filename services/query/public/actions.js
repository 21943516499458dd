// Corrective actions on the dashboard (from GET /v1/actions): a marker on the trend chart at each
// action's start (a dashed line and a labelled button over the plot), a badge on the action's
// touchpoints in the journey view, and the list with each effect and verdict.

const VERDICT = {
  improved: { cls: "ok", text: "improved" },
  worse: { cls: "bad", text: "worse" },
  no_detectable_change: { cls: "none", text: "no detectable change" },
  too_early: { cls: "warn", text: "too early" },
};

export const verdictOf = (a) => VERDICT[a.effect?.verdict] ?? { cls: "none", text: a.effect?.verdict ?? "–" };

const num = (v, digits = 1) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));

/** The effect in the metric's own units: NPS points, a share shown as percentage points, or a mean. */
export function effectText(a) {
  const e = a.effect;
  if (!e || e.effect === null) return "no estimate yet";
  const share = e.metric === "csat_top2" || e.metric === "fcr" || e.metric === "abandonment";
  const k = share ? 100 : 1;
  const unit = share ? " pp" : e.metric === "nps" ? " pts" : "";
  const sign = e.effect > 0 ? "+" : "";
  const ci = e.ci95 ? ` [${num(e.ci95[0] * k)}, ${num(e.ci95[1] * k)}]` : "";
  const n = e.cells.treated.after.n;
  const by = e.primary === "difference_in_differences" ? `vs control ${e.control.touchpoints.join(", ")}` : "before/after, no control";
  return `${sign}${num(e.effect * k)}${unit}${ci} · ${by} · n after ${n} · MDE ${num((e.minimumDetectableEffect ?? NaN) * k)}${unit}`;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * A uPlot plugin: a dashed vertical line at each action's start inside the plotted range, and a
 * button over the plot (keyboard-focusable, with the action's name, verdict and effect as its label).
 */
export function actionMarkers(actions) {
  let layer = null;
  const place = (u) => {
    if (!layer) return;
    layer.replaceChildren();
    const [min, max] = [u.scales.x.min, u.scales.x.max];
    for (const a of actions) {
      const t = Date.parse(a.startAt) / 1000;
      if (!(t >= min && t <= max)) continue;
      const v = verdictOf(a);
      const b = el("button", `action-marker ${v.cls}`, "▲");
      b.type = "button";
      b.dataset.actionId = a.id;
      b.style.left = `${u.valToPos(t, "x")}px`;
      b.title = `${a.name} (${a.touchpoints.join(", ")}) · ${v.text} · ${effectText(a)}`;
      b.setAttribute("aria-label", `Action ${a.name} on ${a.touchpoints.join(", ")}, started ${new Date(a.startAt).toLocaleString()}: ${v.text}`);
      layer.append(b);
    }
    layer.dataset.markers = String(layer.children.length);
  };
  return {
    hooks: {
      init: (u) => {
        layer = el("div", "action-layer");
        u.over.append(layer);
      },
      draw: (u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = "#e3b341";
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5 * devicePixelRatio;
        for (const a of actions) {
          const t = Date.parse(a.startAt) / 1000;
          if (!(t >= u.scales.x.min && t <= u.scales.x.max)) continue;
          const x = Math.round(u.valToPos(t, "x", true));
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
        place(u);
      },
    },
  };
}

/** touchpoint → its actions, for the journey view's badges. */
export function actionsByTouchpoint(actions) {
  const map = new Map();
  for (const a of actions) for (const t of a.touchpoints) map.set(t, [...(map.get(t) ?? []), a]);
  return map;
}

/** The badge under a journey touchpoint: how many actions, the latest one's name and verdict. */
export function journeyBadge(list) {
  const latest = list[0];
  const v = verdictOf(latest);
  const badge = el("span", `action-badge ${v.cls}`, `▲ ${list.length > 1 ? `${list.length} actions, latest: ` : "action: "}${latest.name} — ${v.text}`);
  badge.dataset.testid = "journey-action";
  badge.title = effectText(latest);
  return badge;
}

export function renderActionList(root, actions) {
  if (actions.length === 0) {
    root.replaceChildren(el("li", "", "No corrective actions recorded (POST /v1/actions with a write token)."));
    return;
  }
  root.replaceChildren(
    ...actions.map((a) => {
      const v = verdictOf(a);
      const li = el("li");
      li.dataset.actionId = a.id;
      const head = el("div");
      head.append(el("strong", "", a.name), el("span", `verdict ${v.cls}`, ` ${v.text}`));
      const what = el("div", "why", `${a.touchpoints.join(", ")} · ${a.metric} expected to ${a.expectedDirection} · from ${new Date(a.startAt).toLocaleDateString()} · owner ${a.owner}${a.status === "closed" ? " · closed" : ""}`);
      const eff = el("div", "why", effectText(a));
      li.append(head, what, eff);
      if (a.effect?.reason) li.title = a.effect.reason;
      return li;
    }),
  );
}
