// Each touchpoint card leads with the metric its data supports: NPS (or CSAT) where customers
// answered surveys; wait p90, abandonment and FCR where there were only calls or contacts;
// complaints where there were only complaints; "no data" only when there is nothing at all.
// Plain ES module shared by the touchpoint cards and the journey view; no DOM access here.

const num = (v, digits = 1) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
const share = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);
const interval = (c, digits = 1) => (c ? `[${num(c[0], digits)}, ${num(c[1], digits)}]` : "");

/**
 * The headline of one group of /v1/scores: `{ metric, label, value, detail, aria }` where `value`
 * is the big figure, `detail` its interval and n (and what else is known), `aria` a sentence.
 */
export function headline(g) {
  if (g.nps.n > 0) {
    return {
      metric: "nps",
      label: "NPS",
      value: num(g.nps.value),
      detail: `NPS ${interval(g.nps.ci95)} · n ${g.nps.n}`,
      aria: `NPS ${num(g.nps.value)}, n ${g.nps.n}`,
    };
  }
  if (g.csat.n > 0) {
    return {
      metric: "csatTop2",
      label: "CSAT top-2",
      value: `${num(g.csat.top2Box)}%`,
      detail: `CSAT top-2 ${interval(g.csat.ci95)} · n ${g.csat.n}`,
      aria: `CSAT top-2 ${num(g.csat.top2Box)}%, n ${g.csat.n}`,
    };
  }
  const calls = g.abandonment.n;
  const waits = g.waitSeconds.n;
  if (calls > 0 || waits > 0) {
    // No survey answers: lead with the wait the customers had, then what else is known.
    const parts = [];
    if (calls > 0) parts.push(`abandoned ${share(g.abandonment.value)} of ${calls} calls`);
    if (g.fcr.value !== null && g.fcr.value !== undefined) parts.push(`FCR ${share(g.fcr.value)} (n ${g.fcr.n})`);
    if (waits > 0) {
      return {
        metric: "waitP90",
        label: "wait p90",
        value: `${num(g.waitSeconds.p90, 0)} s`,
        detail: [`wait p90 · n ${waits}`, ...parts].join(" · "),
        aria: `wait p90 ${num(g.waitSeconds.p90, 0)} s, n ${waits}, no survey answers`,
      };
    }
    return {
      metric: "abandonment",
      label: "abandonment",
      value: share(g.abandonment.value),
      detail: [`abandonment ${interval(g.abandonment.ci95 && g.abandonment.ci95.map((x) => 100 * x))} · n ${calls}`, ...parts.slice(1)].join(" · "),
      aria: `abandonment ${share(g.abandonment.value)}, n ${calls}, no survey answers`,
    };
  }
  if (g.fcr.value !== null && g.fcr.value !== undefined) {
    return {
      metric: "fcr",
      label: "FCR",
      value: share(g.fcr.value),
      detail: `FCR ${interval(g.fcr.ci95 && g.fcr.ci95.map((x) => 100 * x))} · n ${g.fcr.n}`,
      aria: `FCR ${share(g.fcr.value)}, n ${g.fcr.n}, no survey answers`,
    };
  }
  if (g.complaints.opened > 0) {
    const rate = g.complaints.per1000Contacts;
    return {
      metric: "complaints",
      label: "complaints",
      value: String(g.complaints.opened),
      detail: rate === null ? `complaints opened · ${g.complaints.resolved} resolved` : `complaints · ${num(rate)} per 1,000 contacts ${interval(g.complaints.per1000Ci95)}`,
      aria: `${g.complaints.opened} complaints opened, no survey answers`,
    };
  }
  return { metric: "none", label: "no data", value: "no data", detail: `${g.volume.events} events`, aria: "no data" };
}

/** Expectation vs experience of a group: mean gap with its interval and the shortfall share; "" without answers. */
export function gapText(g) {
  const x = g.expectationGap;
  if (!x || x.n === 0) return "";
  const sign = (v) => (v > 0 ? `+${num(v, 2)}` : num(v, 2));
  const ci = x.ci95 ? ` [${sign(x.ci95[0])}, ${sign(x.ci95[1])}]` : "";
  return `expectation gap ${sign(x.value)}${ci} · ${share(x.shortfall.value)} fell short · n ${x.n}`;
}

/** The worst status over a group's target gaps: significant miss, below target, on target. */
export function targetStatus(targets) {
  if (!targets) return { cls: "none", text: "no target" };
  const gaps = Object.values(targets).filter((t) => t && t.value !== null);
  if (gaps.some((t) => t.significantMiss)) return { cls: "bad", text: "significant miss" };
  if (gaps.some((t) => t.met === false)) return { cls: "warn", text: "below target" };
  if (gaps.length > 0) return { cls: "ok", text: "on target" };
  return { cls: "none", text: "no data" };
}
