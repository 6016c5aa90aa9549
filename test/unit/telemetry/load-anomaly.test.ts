/** The load anomaly detector: CUSUMs in band units, outages, clearing, and what it leaves alone. */
import { DEFAULT_DETECTOR, detectLoad, initialDetector, isTransient } from '../../../src/telemetry/load-anomaly.js';

const band = { p50: 100, upper: 130 };
const feed = (loads: number[], b = band) => {
  const s = initialDetector();
  const kinds: (string | undefined)[] = [];
  loads.forEach((l, i) => kinds.push(detectLoad(s, b, l, i * 60_000).active?.kind));
  return { s, kinds };
};

describe('detectLoad', () => {
  it('leaves a load inside its band alone, however long', () => {
    const { kinds } = feed(Array.from({ length: 1000 }, (_, i) => 100 + 29 * Math.sin(i)));
    expect(kinds.every((k) => k === undefined)).toBe(true);
  });

  it('raises a surge at the first sample far above the band, with the numbers, and clears after three calm samples', () => {
    const { s, kinds } = feed([100, 250, 250, 100, 100, 100]);
    expect(kinds).toEqual([undefined, 'Surge', 'Surge', 'Surge', 'Surge', undefined]);
    expect(s.active).toBeUndefined();
    const again = feed([100, 250]).s.active!;
    expect(again).toEqual({ kind: 'Surge', sinceMs: 60_000, evidence: 'load 250 against forecast p50 100, upper 130 (2.5x p50)' });
  });

  it('a moderate excess accumulates: just past the edge alarms only when it lasts', () => {
    // z = 1.5 each: 0.5 a sample over the slack, past h = 2 on the fifth.
    const { kinds } = feed([145, 145, 145, 145, 145]);
    expect(kinds).toEqual([undefined, undefined, undefined, undefined, 'Surge']);
  });

  it('an outage is two samples near zero where traffic is expected; it outranks a drop', () => {
    const { s, kinds } = feed([100, 0, 0, 0]);
    expect(kinds).toEqual([undefined, 'Drop', 'Outage', 'Outage']);
    expect(s.active?.sinceMs).toBe(60_000);
    // No traffic expected (p50 below minLoad): zero is no outage.
    expect(feed([0, 0, 0], { p50: 0.5, upper: 2 }).kinds).toEqual([undefined, undefined, undefined]);
  });

  it('a sustained shift inside the fast slack is a level shift', () => {
    // z = 0.9: never past the fast slack of 1; 0.4 a sample over the slow one, past 12 after about 30.
    const { kinds } = feed(Array.from({ length: 32 }, () => 127));
    expect(kinds.slice(0, 29).every((k) => k === undefined)).toBe(true);
    expect(kinds.at(-1)).toBe('LevelShift');
  });

  it('ignores samples it cannot score', () => {
    const s = initialDetector();
    detectLoad(s, { p50: NaN, upper: 1 }, 5, 0);
    detectLoad(s, band, NaN, 0);
    expect(s).toEqual(initialDetector());
    expect(DEFAULT_DETECTOR.h).toBeGreaterThan(0);
    expect(isTransient('Surge') && isTransient('Outage') && !isTransient('LevelShift')).toBe(true);
  });
});
