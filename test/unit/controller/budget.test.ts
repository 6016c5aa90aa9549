import { disruptionAllowed, gateBudget, ReplacementSlots } from '../../../src/controller/budget.js';
import type { ScalingDecision } from '../../../src/controller/scaling.js';

const nightly = [{ schedule: '0 2 * * *', durationMs: 4 * 3_600_000 }];
const down: ScalingDecision = { replicas: 3, recommended: 3, provisionedLoad: 30, reason: 'ForecastScaleDown', message: 'down', needed: 3 };

describe('disruption budgets', () => {
  it('no budgets: always allowed', () => expect(disruptionAllowed([], Date.parse('2026-12-02T12:00:00Z'))).toBe(true));

  it('a scale-down outside every window waits at the current replicas; inside, it goes', () => {
    expect(gateBudget(nightly, 6, down, Date.parse('2026-12-02T12:00:00Z'))).toMatchObject({ replicas: 6, reason: 'OutsideBudget', message: 'scale-down 6 -> 3 waits for a disruption window ("0 2 * * *" for 14400 s, UTC)' });
    expect(gateBudget(nightly, 6, down, Date.parse('2026-12-02T03:00:00Z'))).toBe(down);
  });

  it('a scale-up never waits', () => {
    const up = { ...down, replicas: 9, reason: 'ForecastScaleUp' as const };
    expect(gateBudget(nightly, 6, up, Date.parse('2026-12-02T12:00:00Z'))).toBe(up);
  });

  it('caps UPF moves at once across slices', () => {
    const slots = new ReplacementSlots(1);
    expect(slots.available('a')).toBe(true);
    slots.take('a');
    expect(slots.available('a')).toBe(true);
    expect(slots.available('b')).toBe(false);
    slots.release('a');
    expect(slots.available('b')).toBe(true);
    expect(new ReplacementSlots(0).available('x')).toBe(true);
  });
});
