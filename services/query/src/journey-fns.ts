/**
 * The customer journey: touchpoints grouped by journey stage, stages in the catalogue's order.
 * Pure assembly of already computed scores (query.service scores per stage × touchpoint and per
 * stage, pain points per touchpoint); every number comes from @pulse/scoring via scores-fns.
 *
 * Stage order: the catalogue has no separate list of stages, so a stage's position is where its
 * first touchpoint appears in the catalogue (the file's order, tenant overrides applied). Stages
 * seen only in the data follow, alphabetically, and `unknown` (touchpoints the catalogue does not
 * know) comes last. Catalogue touchpoints without data in the range are listed with n = 0, so the
 * whole journey is always shown.
 */
import type { TouchpointCatalogue } from "@pulse/catalogue";
import type { PainPoint } from "./pain-fns";
import type { Filters } from "./params-fns";
import { targetReport, type GroupScores, type TargetsReport } from "./scores-fns";
import type { ScoresBody } from "./query.service";
import type { TouchpointTargets } from "./catalogue";

/** How many of the ranked pain points the journey marks (rank ≤ this and a positive score). */
export const JOURNEY_PAIN_POINTS = 3;
const UNKNOWN = "unknown";

export type JourneyTouchpoint = GroupScores & {
  touchpoint: string;
  label: string | null;
  inCatalogue: boolean;
  targets: TargetsReport | null;
  /** Set when the touchpoint is one of the top pain points of the range. */
  painPoint: { rank: number; score: number } | null;
};

export type JourneyStage = {
  stage: string;
  /** 1-based position along the journey. */
  position: number;
  inCatalogue: boolean;
  /** The stage's own aggregate over all its touchpoints (not an average of theirs). */
  scores: GroupScores;
  touchpoints: JourneyTouchpoint[];
  /** Marked pain points of this stage, in rank order. */
  painPoints: string[];
};

export type JourneyBody = {
  from: string;
  to: string;
  window: string | null;
  filters: Filters;
  stages: JourneyStage[];
};

/** Stages in catalogue order (first appearance among the catalogue's touchpoints). */
export function catalogueStages(cat: TouchpointCatalogue | undefined): { stage: string; touchpoints: { name: string; label: string | null }[] }[] {
  const out = new Map<string, { name: string; label: string | null }[]>();
  for (const [name, def] of Object.entries(cat?.touchpoints ?? {})) {
    const list = out.get(def.journeyStage) ?? [];
    list.push({ name, label: def.label ?? null });
    out.set(def.journeyStage, list);
  }
  return [...out].map(([stage, touchpoints]) => ({ stage, touchpoints }));
}

const allowed = (values: string[] | undefined, v: string) => values === undefined || values.length === 0 || values.includes(v);

export function buildJourney(input: {
  catalogue: TouchpointCatalogue | undefined;
  /** Scores grouped by journeyStage and touchpoint. */
  byTouchpoint: ScoresBody;
  /** Scores grouped by journeyStage. */
  byStage: ScoresBody;
  painPoints: PainPoint[];
  targets: (touchpoint: string) => TouchpointTargets | undefined;
  /** The scores of a group without data (query.service emptyScores). */
  empty: GroupScores;
}): JourneyBody {
  const { byTouchpoint, byStage } = input;
  const filters = byTouchpoint.filters;
  const pain = new Map(
    input.painPoints.filter((p) => p.rank <= JOURNEY_PAIN_POINTS && p.score > 0).map((p) => [p.touchpoint, { rank: p.rank, score: p.score }]),
  );
  const fromCatalogue = catalogueStages(input.catalogue).filter((s) => allowed(filters.journeyStage, s.stage));
  const catalogueNames = new Set(fromCatalogue.flatMap((s) => s.touchpoints.map((t) => t.name)));
  const dataStages = [...new Set(byTouchpoint.groups.map((g) => g.key.journeyStage ?? UNKNOWN))];
  const order = [
    ...fromCatalogue.map((s) => s.stage),
    ...dataStages.filter((s) => s !== UNKNOWN && !fromCatalogue.some((c) => c.stage === s)).sort(),
    ...(dataStages.includes(UNKNOWN) && !fromCatalogue.some((c) => c.stage === UNKNOWN) ? [UNKNOWN] : []),
  ];
  const empty = input.empty;
  const stages = order.map((stage, i): JourneyStage => {
    const cat = fromCatalogue.find((s) => s.stage === stage);
    const seen = byTouchpoint.groups.filter((g) => (g.key.journeyStage ?? UNKNOWN) === stage);
    const names = [
      ...(cat?.touchpoints.map((t) => t.name).filter((n) => allowed(filters.touchpoint, n)) ?? []),
      ...seen.map((g) => g.key.touchpoint ?? "").filter((n) => !cat?.touchpoints.some((t) => t.name === n)).sort(),
    ];
    const touchpoints = names.map((name): JourneyTouchpoint => {
      const g = seen.find((x) => x.key.touchpoint === name);
      const { key: _key, targets: _targets, ...scores } = g ?? { key: {}, targets: null, ...empty };
      return {
        touchpoint: name,
        label: cat?.touchpoints.find((t) => t.name === name)?.label ?? null,
        inCatalogue: catalogueNames.has(name),
        ...scores,
        targets: g ? g.targets : targetReport(empty, input.targets(name)),
        painPoint: pain.get(name) ?? null,
      };
    });
    const agg = byStage.groups.find((g) => (g.key.journeyStage ?? UNKNOWN) === stage);
    const { key: _k, targets: _t, ...stageScores } = agg ?? { key: {}, targets: null, ...empty };
    return {
      stage,
      position: i + 1,
      inCatalogue: cat !== undefined,
      scores: stageScores,
      touchpoints,
      painPoints: touchpoints.filter((t) => t.painPoint).sort((a, b) => (a.painPoint?.rank ?? 0) - (b.painPoint?.rank ?? 0)).map((t) => t.touchpoint),
    };
  });
  return { from: byTouchpoint.from, to: byTouchpoint.to, window: byTouchpoint.window, filters, stages };
}
