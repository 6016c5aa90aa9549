/**
 * Fixed-width numeric rows for per-slice state, kept in typed arrays outside the V8 heap.
 *
 * Why: at 10,000 slices, per-slice numbers held as JS objects and arrays cost far more than the
 * numbers (a JS array of doubles for a week of hourly history, a prom-client series with its
 * hash key, value object and labels). Here a row is a slot in a chunk of one typed array: no
 * object per slice, no hidden classes, and nothing for the garbage collector to trace.
 *
 * Rows are allocated in chunks of CHUNK_ROWS, never moved (a freed row is reused by the next
 * alloc), so a row's index stays valid until it is freed. A chunk's pages are only resident once
 * written: calloc'd memory of that size comes straight from mmap.
 */
const CHUNK_ROWS = 1024;

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type Arr<C extends Ctor> = C extends Float32ArrayConstructor ? Float32Array : Float64Array;

export class Rows<C extends Ctor = Float64ArrayConstructor> {
  private readonly chunks: Arr<C>[] = [];
  private readonly free: number[] = [];
  private next = 0;
  private live = 0;

  /**
   * @param width numbers per row
   * @param ctor Float32Array (half the memory, 24 bits of precision: the forecaster's inputs)
   *   or Float64Array (exact for any number a metric or status reports)
   * @param fill value of a new row's cells (NaN: nothing known yet)
   */
  constructor(
    readonly width: number,
    private readonly ctor: C,
    private readonly fill = Number.NaN,
  ) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`row width must be a positive integer, got ${width}`);
  }

  /** A new row, every cell set to the fill value. */
  alloc(): number {
    const row = this.free.pop() ?? this.next++;
    const c = row / CHUNK_ROWS | 0;
    if (c === this.chunks.length) this.chunks.push(new this.ctor(CHUNK_ROWS * this.width) as Arr<C>);
    this.fillCells(row, this.fill, 0, this.width);
    this.live++;
    return row;
  }

  /** Gives the row back; its index must not be used again (alloc may hand it out anew). */
  release(row: number): void {
    this.free.push(row);
    this.live--;
  }

  get size(): number {
    return this.live;
  }

  get(row: number, col: number): number {
    return this.chunks[row / CHUNK_ROWS | 0]![(row % CHUNK_ROWS) * this.width + col]!;
  }

  set(row: number, col: number, value: number): void {
    this.chunks[row / CHUNK_ROWS | 0]![(row % CHUNK_ROWS) * this.width + col] = value;
  }

  /** Array.prototype.copyWithin within one row (cells `start` to `end` go to `target`). */
  copyWithin(row: number, target: number, start: number, end: number): void {
    const base = (row % CHUNK_ROWS) * this.width;
    this.chunks[row / CHUNK_ROWS | 0]!.copyWithin(base + target, base + start, base + end);
  }

  /** Array.prototype.fill within one row (cells `start` to `end`). */
  fillCells(row: number, value: number, start: number, end: number): void {
    const base = (row % CHUNK_ROWS) * this.width;
    this.chunks[row / CHUNK_ROWS | 0]!.fill(value, base + start, base + end);
  }

  /**
   * The row's cells as a view (no copy): writes go to the row. A view is a small object of its
   * own, so hot paths that touch one cell use get/set instead.
   */
  view(row: number, from = 0, to = this.width): Arr<C> {
    const base = (row % CHUNK_ROWS) * this.width;
    return this.chunks[row / CHUNK_ROWS | 0]!.subarray(base + from, base + to) as Arr<C>;
  }
}
