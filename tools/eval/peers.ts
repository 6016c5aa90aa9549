// Forecasts of the Python peers, each cached outside the repository by a key over its code, the
// split and the data, so a rerun of the evaluation reuses them:
// - training/peers.sh (training venv): statsforecast AutoETS and MSTL, a LightGBM global model;
// - training/neural-peer.sh (its own venv, PyTorch): N-HiTS from neuralforecast.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelCard } from '../../src/forecast/card.js';
import type { EvalWindow } from './series.js';

export interface PeerForecasts {
  window: EvalWindow;
  /** Target hours [first, end) the arrays cover (the first week is the calibration warm-up). */
  targets: [number, number];
  /** Seconds each peer script took when its cache was made, by script. */
  seconds: Record<string, number>;
  /** series name -> method -> horizon ("1", "6") -> forecast per target, null where none. */
  series: Record<string, Record<string, Record<string, (number | null)[]>>>;
}

/** A peer script, the files its forecasts depend on besides the card and the data. */
interface PeerScript {
  name: string;
  script: string;
  inputs: string[];
}

const SCRIPTS: PeerScript[] = [
  { name: 'peers', script: 'training/peers.sh', inputs: ['training/peers.py', 'training/lgbm.py', 'training/milan.py', 'training/requirements.txt'] },
  { name: 'neural', script: 'training/neural-peer.sh', inputs: ['training/neural_peer.py', 'training/peers.py', 'training/milan.py', 'training/requirements-neural.txt'] },
];

function cachePath(root: string, p: PeerScript, card: ModelCard, dataFile: string, window: EvalWindow): string {
  const h = createHash('sha256');
  for (const f of p.inputs) h.update(readFileSync(path.join(root, f)));
  h.update(JSON.stringify(card.training?.split ?? {}));
  h.update(readFileSync(dataFile));
  const dir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'slice-operator', 'eval');
  return path.join(dir, `${p.name}-${window}-${h.digest('hex').slice(0, 16)}.json`);
}

function runScript(root: string, p: PeerScript, card: ModelCard, cardFile: string, dataFile: string, window: EvalWindow): ScriptOutput {
  const file = cachePath(root, p, card, dataFile, window);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    console.error(`running ${p.script} -> ${file}`);
    const r = spawnSync('bash', [path.join(root, p.script), '--card', cardFile, '--data', dataFile, '--window', window, '--out', `${file}.tmp`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${p.script} failed (exit ${r.status ?? r.signal})`);
    renameSync(`${file}.tmp`, file);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as ScriptOutput;
}

/** One script's output as its script writes it (seconds as one number). */
export type ScriptOutput = Omit<PeerForecasts, 'seconds'> & { seconds: number };

/** The scripts' outputs (by script name) as one: methods merged per series; all must cover the same targets. */
export function mergePeers(window: EvalWindow, outputs: [string, ScriptOutput][]): PeerForecasts {
  const out: PeerForecasts = { window, targets: outputs[0]?.[1].targets ?? [0, 0], seconds: {}, series: {} };
  for (const [name, got] of outputs) {
    if (got.window !== window) throw new Error(`peer ${name} forecast the ${got.window} window, not ${window}`);
    if (got.targets[0] !== out.targets[0] || got.targets[1] !== out.targets[1]) {
      throw new Error(`peer ${name} covers targets [${got.targets.join(', ')}), ${outputs[0]![0]} [${out.targets.join(', ')})`);
    }
    out.seconds[name] = got.seconds;
    for (const [series, methods] of Object.entries(got.series)) {
      const clash = Object.keys(methods).find((m) => out.series[series]?.[m]);
      if (clash) throw new Error(`peer ${name} forecasts ${clash} for ${series}, as an earlier peer does`);
      out.series[series] = { ...out.series[series], ...methods };
    }
  }
  return out;
}

/** Every peer's forecasts, merged: from the caches, else by running the scripts (minutes each). */
export function loadPeers(root: string, card: ModelCard, cardFile: string, dataFile: string, window: EvalWindow): PeerForecasts {
  return mergePeers(
    window,
    SCRIPTS.map((p) => [p.name, runScript(root, p, card, cardFile, dataFile, window)]),
  );
}
