// The series the evaluation scores, from the model card's split (the one training wrote): held-out
// distinct squares with the whole window, and the evaluation slices (sums of 2, 5 and 12 of them).
// training/peers.py builds the same list from the same card.
import type { ModelCard } from '../../src/forecast/card.js';

export interface EvalSeries {
  name: string;
  /** Squares summed (one for a square). */
  members: number[];
  values: number[];
}

export type EvalWindow = 'test' | 'sealed';

export function windowHours(card: ModelCard, window: EvalWindow): [number, number] {
  const split = card.training?.split;
  if (!split) throw new Error('model card has no training.split: cannot reproduce the held-out set');
  if (window === 'test') return split.testTargetHours;
  if (!split.sealedTargetHours) throw new Error('model card has no training.split.sealedTargetHours');
  return split.sealedTargetHours;
}

export function evaluationSeries(card: ModelCard, rows: number[][], end: number): EvalSeries[] {
  const split = card.training!.split;
  const out: EvalSeries[] = split.heldOutSquares.filter((i) => (rows[i]?.length ?? 0) >= end).map((i) => ({ name: `square-${i}`, members: [i], values: rows[i]!.slice(0, end) }));
  for (const members of split.evaluationSlices ?? []) {
    if (members.some((i) => (rows[i]?.length ?? 0) < end)) throw new Error(`evaluation slice ${members.join('+')} lacks the window`);
    out.push({ name: `slice-${members.join('+')}`, members, values: Array.from({ length: end }, (_, t) => members.reduce((a, i) => a + rows[i]![t]!, 0)) });
  }
  return out;
}
