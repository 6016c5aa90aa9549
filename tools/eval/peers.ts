// Forecasts of the Python peers (statsforecast AutoETS and MSTL, a LightGBM global model) from
// training/peers.py, run in the training venv. Cached outside the repository by a key over the
// peer code, the split and the data, so a rerun of the evaluation reuses them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelCard } from '../../src/forecast/card.js';
import type { EvalWindow } from './series.js';

export interface PeerForecasts {
  window: EvalWindow;
  /** Target hours [first, end) the arrays cover (the first week is the calibration warm-up). */
  targets: [number, number];
  seconds: number;
  /** series name -> method -> horizon ("1", "6") -> forecast per target, null where none. */
  series: Record<string, Record<string, Record<string, (number | null)[]>>>;
}

export function peersCachePath(root: string, card: ModelCard, dataFile: string, window: EvalWindow): string {
  const h = createHash('sha256');
  for (const f of ['training/peers.py', 'training/lgbm.py', 'training/milan.py', 'training/requirements.txt']) h.update(readFileSync(path.join(root, f)));
  h.update(JSON.stringify(card.training?.split ?? {}));
  h.update(readFileSync(dataFile));
  const dir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'slice-operator', 'eval');
  return path.join(dir, `peers-${window}-${h.digest('hex').slice(0, 16)}.json`);
}

/** The peers' forecasts: from the cache, else by running training/peers.sh (minutes). */
export function loadPeers(root: string, card: ModelCard, cardFile: string, dataFile: string, window: EvalWindow): PeerForecasts {
  const file = peersCachePath(root, card, dataFile, window);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    console.error(`running the Python peers (training/peers.sh) -> ${file}`);
    const r = spawnSync('bash', [path.join(root, 'training', 'peers.sh'), '--card', cardFile, '--data', dataFile, '--window', window, '--out', `${file}.tmp`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`training/peers.sh failed (exit ${r.status ?? r.signal})`);
    writeFileSync(file, readFileSync(`${file}.tmp`));
  }
  return JSON.parse(readFileSync(file, 'utf8')) as PeerForecasts;
}
