// The embedded ONNX model: one InferenceSession per process, checked against the model card at
// load time so that a model of the wrong shape fails loudly once (ModelContractError) instead of
// producing garbage forecasts that would scale real CNFs.
import * as ort from 'onnxruntime-node';
import { CALENDAR_FEATURES, INPUT_CALENDAR, INPUT_HISTORY, OUTPUT_QUANTILES, QUANTILE_LEVELS, type ModelCard } from './card.js';

/**
 * Float32Array constructor of onnxruntime's own realm. ort.Tensor checks `instanceof
 * Float32Array`, which fails for arrays made in another realm (jest's VM modules, worker
 * contexts). Buffers allocated with this constructor are accepted everywhere without a copy.
 */
const OrtFloat32Array = (new ort.Tensor('float32', [0], [1]).data as Float32Array).constructor as Float32ArrayConstructor;

/** A zero-filled float32 buffer that ort.Tensor accepts without copying. */
export function allocateFloat32(length: number): Float32Array {
  return new OrtFloat32Array(length);
}

const ortFloat32 = (a: Float32Array): Float32Array => (a instanceof OrtFloat32Array ? a : OrtFloat32Array.from(a));

export class ModelContractError extends Error {
  override name = 'ModelContractError';
}

type Dim = string | number;
interface TensorSpec {
  name: string;
  dtype: 'float32';
  shape: readonly Dim[];
}

/** A symbolic batch dimension ('N', 'batch', -1 ...): a fixed one would defeat batching. */
function isDynamic(d: Dim): boolean {
  return typeof d === 'string' || d < 0;
}

function checkTensor(kind: 'input' | 'output', expected: TensorSpec, meta: readonly ort.InferenceSession.ValueMetadata[]): void {
  const m = meta.find((v) => v.name === expected.name);
  if (!m) {
    const names = meta.map((v) => v.name).join(', ');
    throw new ModelContractError(`model has no ${kind} '${expected.name}' (has: ${names || 'none'})`);
  }
  if (!m.isTensor) throw new ModelContractError(`${kind} '${expected.name}' is not a tensor`);
  if (m.type !== expected.dtype) {
    throw new ModelContractError(`${kind} '${expected.name}' is ${m.type}, expected ${expected.dtype}`);
  }
  const want = `[N,${expected.shape.slice(1).join(',')}]`;
  const got = `[${m.shape.join(',')}]`;
  if (m.shape.length !== expected.shape.length) {
    throw new ModelContractError(`${kind} '${expected.name}' has shape ${got}, expected ${want}`);
  }
  if (!isDynamic(m.shape[0]!)) {
    throw new ModelContractError(`${kind} '${expected.name}' has a fixed batch dimension ${got}, expected ${want}`);
  }
  for (let i = 1; i < expected.shape.length; i++) {
    if (m.shape[i] !== expected.shape[i]) {
      throw new ModelContractError(`${kind} '${expected.name}' has shape ${got}, expected ${want}`);
    }
  }
}

export interface ModelOutput {
  /** Row-major [n, horizonSteps, 3] quantiles (p50, p90, p99) in scaled units. */
  quantiles: Float32Array;
}

/**
 * Rows per session run. onnxruntime's CPU arena keeps the largest buffers a run has needed, and
 * the intermediate tensors grow with the rows, so one run over every slice would keep the
 * process that much larger for good; runs of 1,024 rows keep the arena small and are no slower
 * (`npx tsx bench/onnx-batch-memory.ts` measures both; figures in docs/forecaster.md).
 */
export const DEFAULT_MAX_BATCH_ROWS = 1024;

export interface ModelOptions {
  /** Rows per session run; a larger batch is run in chunks of this size. */
  maxBatchRows?: number;
}

export class OnnxForecastModel {
  readonly historyLength: number;
  readonly horizonSteps: number;
  readonly maxBatchRows: number;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly card: ModelCard,
    opts: ModelOptions,
  ) {
    this.historyLength = card.contract.historyLength;
    this.horizonSteps = card.contract.horizonSteps;
    this.maxBatchRows = opts.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
    if (!Number.isInteger(this.maxBatchRows) || this.maxBatchRows < 1) throw new RangeError(`maxBatchRows must be a positive integer, got ${this.maxBatchRows}`);
  }

  /**
   * Load and validate. Throws ModelContractError when the graph does not match the card, and
   * other errors (missing file, not an ONNX protobuf) as they come from onnxruntime.
   */
  static async load(modelPath: string, card: ModelCard, opts: ModelOptions = {}): Promise<OnnxForecastModel> {
    // Small MLP: intra-op threads beyond the 2 cores of an edge node only add scheduling overhead,
    // and the operator shares the node with the reconciler.
    const session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    try {
      const [hist, cal] = card.contract.inputs;
      const [out] = card.contract.outputs;
      if (session.inputNames.length !== 2 || session.outputNames.length < 1) {
        throw new ModelContractError(
          `model must have inputs [${INPUT_HISTORY}, ${INPUT_CALENDAR}] and output ${OUTPUT_QUANTILES}, ` +
            `has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`,
        );
      }
      checkTensor('input', hist, session.inputMetadata);
      checkTensor('input', cal, session.inputMetadata);
      checkTensor('output', out, session.outputMetadata);
      if (cal.shape[1] !== CALENDAR_FEATURES || out.shape[2] !== QUANTILE_LEVELS.length) {
        throw new ModelContractError('card contract does not match the operator (calendar or quantile width)');
      }
    } catch (err) {
      await session.release().catch(() => undefined);
      throw err;
    }
    return new OnnxForecastModel(session, card, opts);
  }

  /**
   * One batched inference for n series. `history` is row-major [n, historyLength] and `calendar`
   * [n, 4], both already scaled/encoded as the card says.
   */
  async run(history: Float32Array, calendar: Float32Array, n: number): Promise<ModelOutput> {
    const L = this.historyLength;
    if (history.length !== n * L || calendar.length !== n * CALENDAR_FEATURES) {
      throw new RangeError(`batch buffers do not match n=${n}`);
    }
    const h = ortFloat32(history);
    const c = ortFloat32(calendar);
    if (n <= this.maxBatchRows) return { quantiles: await this.runRows(h, c, n) };
    const width = this.horizonSteps * QUANTILE_LEVELS.length;
    const quantiles = new Float32Array(n * width);
    for (let first = 0; first < n; first += this.maxBatchRows) {
      const rows = Math.min(this.maxBatchRows, n - first);
      const end = first + rows;
      quantiles.set(await this.runRows(h.subarray(first * L, end * L), c.subarray(first * CALENDAR_FEATURES, end * CALENDAR_FEATURES), rows), first * width);
    }
    return { quantiles };
  }

  /** One session run; the buffers are onnxruntime's own Float32Arrays (subarrays are not copied). */
  private async runRows(history: Float32Array, calendar: Float32Array, n: number): Promise<Float32Array> {
    const feeds = {
      [INPUT_HISTORY]: new ort.Tensor('float32', history, [n, this.historyLength]),
      [INPUT_CALENDAR]: new ort.Tensor('float32', calendar, [n, CALENDAR_FEATURES]),
    };
    const result = await this.session.run(feeds, [OUTPUT_QUANTILES]);
    const t = result[OUTPUT_QUANTILES];
    const expected = n * this.horizonSteps * QUANTILE_LEVELS.length;
    // Checked by type tag, not `instanceof Float32Array`: the native binding may allocate the
    // array in another realm (e.g. under jest's VM modules), where instanceof is false.
    if (!t || t.type !== 'float32' || !ArrayBuffer.isView(t.data) || (t.data as Float32Array).length !== expected) {
      throw new ModelContractError(`model returned ${t ? `${t.type} ${JSON.stringify(t.dims)}` : 'nothing'} for '${OUTPUT_QUANTILES}'`);
    }
    return t.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
