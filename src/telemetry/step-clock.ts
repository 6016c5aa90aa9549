// Forecast steps and wall time. A step is stepSeconds of wall time (an hour in production);
// an accelerated replay maps wall time to the calendar time its traffic belongs to.

export interface StepClockOptions {
  /** Wall seconds per forecast step (3600 in production; small when a replay is accelerated). */
  stepSeconds: number;
  /** Maps wall time to the calendar time the traffic belongs to (accelerated replays). */
  clock?: { wallStartMs: number; virtualStartMs: number };
}

export class StepClock {
  constructor(private readonly o: StepClockOptions) {}

  get stepSeconds(): number {
    return this.o.stepSeconds;
  }

  get stepMs(): number {
    return this.o.stepSeconds * 1000;
  }

  /** The forecast step a wall time falls in. */
  stepOf(wallMs: number): number {
    const origin = this.o.clock?.wallStartMs ?? 0;
    return Math.floor((wallMs - origin) / this.stepMs);
  }

  /** The wall time a step starts at. */
  wallOfStep(step: number): number {
    return (this.o.clock?.wallStartMs ?? 0) + step * this.stepMs;
  }

  /** Calendar time of a wall time (identity unless a replay is accelerated). */
  calendarTime(wallMs: number): Date {
    if (!this.o.clock) return new Date(wallMs);
    const speed = 3600 / this.o.stepSeconds;
    return new Date(this.o.clock.virtualStartMs + (wallMs - this.o.clock.wallStartMs) * speed);
  }
}
