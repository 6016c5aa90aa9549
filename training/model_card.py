"""models/MODEL_CARD.md, written from the machine-readable card."""

from __future__ import annotations


def card_markdown(card) -> str:
    c = card["contract"]
    m = card["heldOutQuickEval"]
    t = card["training"]
    s = t["split"]
    bands = "; ".join(
        f"{b['fromPoints']}-{b['toPoints'] - 1} h known: p90 x{b['p90Factor']:g}, p99 x{b['p99Factor']:g}" for b in c["shortHistory"]["bands"]
    )
    return f"""# Model card: {card['name']} {card['version']}

Load forecaster embedded in slice-operator (`src/forecast/`). Produced by `bash training/train.sh`
(`npm run train`); machine-readable contract in `forecaster.card.json` (validated by the operator
at load).

## Data and attribution

{card['dataAttribution']}
Subset in `shared/data/milan/hourly_squares.csv`: hourly activity of grid squares (~235 m) from
2013-11-01 00:00 CET; its rows repeat, so training deduplicates them first
(`duplicate_rows.txt`): {s['distinctSeries']} distinct series. Units are rescaled activity counts.

## Intended use

Short-term (1-6 h) hourly load forecasts with quantiles for capacity planning of network slices,
from the first {c['shortHistory']['minPoints']} hours of a slice's life. Not validated for holidays
(Dec 20 - Jan 1), other cities, or sub-hourly data. The operator calibrates the capacity quantile
online (`src/forecast/calibration.ts`).

## Contract

- inputs: `history` float32 [N,{c['historyLength']}] (oldest first, divided by scale), `calendar` float32 [N,4]
- output: `quantiles` float32 [N,{c['horizonSteps']},3] — p50, p90, p99 in scaled units, monotone by
  construction (p90 = p50 + softplus, p99 = p90 + softplus, then the mean over members)
- scaling: {c['scaling']['description']}
- calendar: {', '.join(c['calendar']['features'])} at the {c['calendar']['at']}; hour and
  day of week (0 = Monday) in {c['calendar']['timezone']}
- short history: {c['shortHistory']['description']} Factors (calibrated on validation series so a
  padded history misses its p90/p99 no more often than a full week): {bands}.
- opset 17, IR version 8

## Model and training

- Ensemble of {t['members']} MLPs, each {t['inputs']} -> {' -> '.join(str(h) for h in t['hidden'])} (ReLU) -> 18 plus a
  linear skip; the {t['inputs']} inputs are the 168 scaled values, 18 linear summaries of them (recent
  means, same-hour profiles per step; folded into the first layer at export), 31 smooth one-hot
  bumps of the hour and day of week (computed in the graph from the calendar) and the 4 calendar
  values. {card['parameters']} trained parameters, {card['sizeBytes']} bytes.
- {t['framework']}; {t['optimizer']}; seed {t['seed']}.
- Distillation: {t['distillation']}.
- Windows: every distinct training series ({len(s['trainSquares'])}), {t['syntheticAggregates']} synthetic slices
  (sums of 2-12 training series), and {int(100 * t['shortHistoryShare'])} % of the windows again with a short
  history padded as the operator pads it ({', '.join(str(k) for k in t['shortHistoryKnown'])} known hours);
  {t['windows']} windows, all targets before 2013-11-25.
- Loss: {card['loss']['type']}. Cost model: {card['loss']['costModel']}; alpha =
  {card['loss']['alpha']['p50']:g} (p50), {card['loss']['alpha']['p90']:g} (p90), {card['loss']['alpha']['p99']:g} (p99).

## Evaluation split

- Distinct series split: {len(s['trainSquares'])} train, {len(s['validationSquares'])} validation (model selection, band
  factors), {len(s['heldOutSquares'])} held out (never seen in training or design): rows
  {', '.join(str(i) for i in s['heldOutSquares'])} (0-based row index in the CSV).
- Time: training targets before 2013-11-25; test targets {s['testWindow']};
  sealed final window {s['sealedWindow']}.

Quick Python check on held-out series (MAE, test window): 1 h {m['mae_h1']:.3f}, 6 h {m['mae_h6']:.3f}.
Full comparison with the peers (statsforecast, LightGBM, Holt-Winters, naive), slices and capacity:
`npm run eval:forecast`, results in `docs/forecaster.md`.

## Limitations

- Two months of one city; weekly seasonality is learned from only ~3 training weeks.
- Calendar features assume the series' local time zone is the card's time zone unless overridden.
- Quantiles are learned on single squares and sums of up to 12; for much larger or smoother
  series, rely on the online conformal calibration.
"""
