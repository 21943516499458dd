/**
 * The effect of a corrective action, measured from the rollups: the stats query of /v1/scores for
 * the four cells (treated/control × before/after), each one merged row of sufficient statistics,
 * handed to @pulse/scoring's actionEffect (before/after test, difference-in-differences, MDE,
 * verdict). This module only chooses the periods and the control and reads the cells.
 */
import { actionEffect, type Cells } from "@pulse/scoring";
import { EFFECT_METRIC, actionWindows, cellStats, chooseControl, settleMsOf, withWindowVerdict, type Action, type ActionEffectBody, type CellStats } from "./actions-fns";
import { GRAINS, iso, type TimeRange } from "./params-fns";
import type { QueryService } from "./query.service";
import { emptyStats } from "./scores-fns";

const PURPOSE = "actions";
/** FCR settings for a row without cohorts (an empty period): any values give n = 0. */
const NO_COHORTS = { now: 0, allowedLatenessMs: 0, windowMs: GRAINS.day };

export function createActionEffects(service: QueryService) {
  async function cell(tenant: string, metric: Action["metric"], touchpoints: string[], range: TimeRange): Promise<CellStats> {
    // An empty period (the action starts now or later) has no statistics; nothing to read.
    if (range.to <= range.from) return cellStats(metric, emptyStats(), NO_COHORTS);
    const { rows, fcr } = await service.stats(tenant, { range, groupBy: [], filters: { touchpoint: touchpoints } }, PURPOSE);
    return cellStats(metric, rows[0] ?? emptyStats(), fcr);
  }

  /**
   * The action's effect as of `now`. `others` are the tenant's other actions: a same-stage
   * touchpoint on which one of them started within the planned periods is not a control.
   */
  async function measure(tenant: string, action: Action, others: readonly Action[], now: number): Promise<ActionEffectBody> {
    const start = Date.parse(action.startAt);
    const windows = actionWindows(start, action.windowDays, now, settleMsOf(action.metric, service.fcrSettings()));
    const span = { from: windows.before.from, to: windows.after.to };
    const planned = { from: start - action.windowDays * GRAINS.day, to: windows.endsAt };
    const { metric, unit } = EFFECT_METRIC[action.metric];

    const stageRows =
      action.controlTouchpoints || span.to <= span.from
        ? []
        : (await service.stats(tenant, { range: span, groupBy: ["journeyStage", "touchpoint"], filters: {} }, PURPOSE)).rows;
    const control = chooseControl(action, stageRows, others, planned);

    const read = async (touchpoints: string[]): Promise<Cells<CellStats>> => {
      const [before, after] = await Promise.all([cell(tenant, action.metric, touchpoints, windows.before), cell(tenant, action.metric, touchpoints, windows.after)]);
      return { before, after };
    };
    const [treated, controlCells] = await Promise.all([read(action.touchpoints), control.touchpoints.length > 0 ? read(control.touchpoints) : Promise.resolve(null)]);

    // actionEffect's input is a union keyed by metric; the cells were read for exactly that metric.
    const effect = actionEffect({ metric, treated, control: controlCells, expectedDirection: action.expectedDirection } as Parameters<typeof actionEffect>[0]);
    return {
      ...withWindowVerdict(effect, windows),
      unit,
      windowDays: action.windowDays,
      before: { from: iso(windows.before.from), to: iso(windows.before.to) },
      after: { from: iso(windows.after.from), to: iso(windows.after.to) },
      afterComplete: windows.complete,
      afterEndsAt: iso(windows.endsAt),
      settledAt: iso(windows.settledAt),
      control,
      asOf: iso(Math.floor(now / GRAINS.minute) * GRAINS.minute),
    };
  }

  return { measure };
}

export type ActionEffects = ReturnType<typeof createActionEffects>;
