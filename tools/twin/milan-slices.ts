/**
 * Milan series for the what-if comparison, split by distinct series: the rows of
 * hourly_squares.csv repeat (duplicate_rows.txt lists the groups), so a "held-out" row may be a
 * copy of a training row. Kept: one row per distinct series, only series none of whose copies
 * the forecaster trained or validated on (its model card's split), split in two halves by
 * alternation (a tuning set and a held-out set).
 */
import { duplicateGroups, loadHourlySquares, milanCsvPath } from '../replayer/milan.js';

export interface MilanSplit {
  rows: number[][];
  /** The distinct unseen held-out rows, in the card's order; tuning and heldOut alternate over them. */
  distinct: number[];
  tuning: number[];
  heldOut: number[];
  /** Rows dropped because a copy was a training or validation row. */
  copiesOfTraining: number[];
}

export function milanSplit(repoRoot: string, card: { training: { split: { trainSquares: number[]; validationSquares: number[]; heldOutSquares: number[] } } }, minHours: number): MilanSplit {
  const csv = milanCsvPath(repoRoot);
  const rows = loadHourlySquares(csv);
  const groups = duplicateGroups(csv);
  const groupOf = new Map<number, number[]>();
  for (const g of groups) for (const r of g) groupOf.set(r, g);
  const seen = new Set([...card.training.split.trainSquares, ...card.training.split.validationSquares]);
  const kept: number[] = [];
  const dropped: number[] = [];
  const taken = new Set<number>();
  for (const r of card.training.split.heldOutSquares) {
    const g = groupOf.get(r) ?? [r];
    if (g.some((x) => seen.has(x))) dropped.push(r);
    else if (!g.some((x) => taken.has(x)) && (rows[r]?.length ?? 0) >= minHours && rows[r]!.slice(0, minHours).every(Number.isFinite)) {
      kept.push(r);
      taken.add(r);
    }
  }
  return { rows, distinct: kept, tuning: kept.filter((_, i) => i % 2 === 0), heldOut: kept.filter((_, i) => i % 2 === 1), copiesOfTraining: dropped };
}
