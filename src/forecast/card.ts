// The model card (models/forecaster.card.json) is the contract between training/ and the
// operator. It is untrusted input (users can bring their own model and card), so it is parsed
// with zod, and the parts the operator hard-codes (tensor names, calendar width, quantile levels,
// hourly steps) are pinned to literals: a card that promises anything else is rejected.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { HOURS_PER_WEEK } from './baselines.js';

export const INPUT_HISTORY = 'history';
export const INPUT_CALENDAR = 'calendar';
export const OUTPUT_QUANTILES = 'quantiles';
export const CALENDAR_FEATURES = 4;
export const QUANTILE_LEVELS = [0.5, 0.9, 0.99] as const;

const dim = z.union([z.string().min(1), z.number().int().positive()]);
const tensor = <N extends string>(name: N) =>
  z.object({ name: z.literal(name), dtype: z.literal('float32'), shape: z.array(dim).min(2).max(3) });

/**
 * A model that forecasts from less than historyLength points: the history is padded as `padding`
 * says (padShortHistory in features.ts) and the bands of the bucket of known points widened by the
 * factors calibrated in training. Optional: a card without it (an older or a user model) leaves
 * short histories to the fallback.
 */
const shortHistory = z
  .object({
    minPoints: z.number().int().min(1),
    /** `weekly-profile` (2.2.0 on) needs `profile`; `daily-tile` (older cards) ignores it. */
    padding: z.enum(['daily-tile', 'weekly-profile']),
    /** Mean-1 weekly shape by local hour of the week (0 = Monday 00:00), in the card's time zone. */
    profile: z.array(z.number().positive().finite()).length(HOURS_PER_WEEK).optional(),
    bands: z
      .array(
        z.object({
          fromPoints: z.number().int().min(1),
          toPoints: z.number().int().min(2),
          p90Factor: z.number().min(1).max(10),
          p99Factor: z.number().min(1).max(10),
        }),
      )
      .min(1),
  })
  .refine((s) => s.bands.every((b) => b.fromPoints < b.toPoints), { message: 'every band needs fromPoints < toPoints' })
  .refine((s) => s.padding !== 'weekly-profile' || s.profile !== undefined, {
    message: `padding weekly-profile needs a profile of ${HOURS_PER_WEEK} values`,
    path: ['profile'],
  });

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'unknown IANA time zone' },
);

export const ModelCardSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  version: z.string().min(1),
  sizeBytes: z.number().int().positive().optional(),
  contract: z
    .object({
      inputs: z.tuple([tensor(INPUT_HISTORY), tensor(INPUT_CALENDAR)]),
      outputs: z.tuple([tensor(OUTPUT_QUANTILES)]),
      historyLength: z
        .number()
        .int()
        .min(24)
        .max(24 * 7 * 8),
      horizonSteps: z.number().int().min(1).max(48),
      stepSeconds: z.literal(3600),
      quantiles: z.tuple([z.literal(0.5), z.literal(0.9), z.literal(0.99)]),
      scaling: z.object({ rule: z.literal('mean'), epsilon: z.number().positive() }),
      calendar: z.object({ timezone: timeZone, features: z.array(z.string()).length(CALENDAR_FEATURES) }),
      shortHistory: shortHistory.optional(),
    })
    // The card must describe the same shapes it claims elsewhere; model.ts then checks the
    // ONNX graph against these shapes.
    .refine(
      (c) =>
        c.inputs[0].shape.length === 2 &&
        c.inputs[0].shape[1] === c.historyLength &&
        c.inputs[1].shape.length === 2 &&
        c.inputs[1].shape[1] === CALENDAR_FEATURES &&
        c.outputs[0].shape.length === 3 &&
        c.outputs[0].shape[1] === c.horizonSteps &&
        c.outputs[0].shape[2] === QUANTILE_LEVELS.length,
      { message: 'tensor shapes disagree with historyLength/horizonSteps/calendar/quantiles' },
    )
    .refine((c) => !c.shortHistory || c.shortHistory.minPoints < c.historyLength, { message: 'shortHistory.minPoints must be below historyLength' }),
  training: z
    .object({
      split: z.object({
        trainTargetsBeforeHour: z.number().int().nonnegative(),
        testTargetHours: z.tuple([z.number().int().nonnegative(), z.number().int().positive()]),
        heldOutSquares: z.array(z.number().int().nonnegative()),
        /** Sealed final test window [from, to): reported once (`npm run eval:forecast -- --sealed`). */
        sealedTargetHours: z.tuple([z.number().int().nonnegative(), z.number().int().positive()]).optional(),
        /** Slices the evaluation scores: sums of distinct held-out squares (row indices). */
        evaluationSlices: z.array(z.array(z.number().int().nonnegative()).min(2)).optional(),
      }),
    })
    .optional(),
  dataAttribution: z.string().optional(),
});

export type ModelCard = z.infer<typeof ModelCardSchema>;

export class ModelCardError extends Error {
  override name = 'ModelCardError';
}

export async function loadModelCard(path: string): Promise<ModelCard> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ModelCardError(`cannot read model card ${path}: ${(err as Error).message}`);
  }
  const parsed = ModelCardSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ModelCardError(`invalid model card ${path}: ${issues}`);
  }
  return parsed.data;
}
