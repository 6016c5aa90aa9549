import { memoryOverCycle } from './memory-sampling.js';
import { reconcilesOf, scrape } from './metrics.js';
import { keepOperatorLog, operatorNodePid, operatorPorts, type OperatorLauncher } from './operator.js';
import { VARIANT_HEADER, variantRow } from './report.js';
import type { Rig } from './rig.js';

/** A variant's tokens split into Node.js flags and NAME=value environment variables. */
export function splitVariant(variant: string): { tokens: string[]; flags: string[]; env: Record<string, string> } {
  const tokens = variant.split(' ').filter(Boolean);
  const isEnv = (t: string) => /^[A-Z_][A-Z0-9_]*=/.test(t);
  const env = Object.fromEntries(tokens.filter(isEnv).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
  return { tokens, flags: tokens.filter((t) => !isEnv(t)), env };
}

/** The variants to run: --rss-variants, else as the image runs the operator and with nothing. */
export const variantsOf = (rssVariants: string | undefined, imageTokens: string[]): string[] =>
  rssVariants?.split(';') ?? [...new Set([imageTokens.join(' '), ''])];

/** One variant's row: a fresh operator on the `slices` slices, every one reconciled once (the initial list), then one full cycle. */
async function variantRowOf(rig: Rig, launcher: OperatorLauncher, variant: string, slices: number): Promise<string> {
  const { tokens, flags, env } = splitVariant(variant);
  const ports = await operatorPorts();
  const port = ports.metrics;
  const label = tokens.length ? tokens.map((f) => `\`${f}\``).join(' ') : '(none)';
  const operator = launcher.start(flags, ports, env);
  try {
    await launcher.waitReady(ports);
    for (let i = 0; i < 600 && reconcilesOf(await scrape(port)) < slices; i++) await new Promise((r) => setTimeout(r, 1000));
    return variantRow(label, await memoryOverCycle(port, operatorNodePid(operator.child.pid!)));
  } catch (e) {
    // Recorded, not fatal: the figures of the run so far still get written.
    return `| ${label} | failed: ${String((e as Error).message ?? e)}; operator ${operator.running() ? 'still running' : 'exited'} (log ${keepOperatorLog(rig.cluster)}) | | | |`;
  } finally {
    await operator.stop();
  }
}

/**
 * 5. The same slices, seen by a freshly started operator, per set of Node.js flags and
 * environment variables (NAME=value tokens). The restart table, printed row by row.
 */
export async function restartVariants(rig: Rig, launcher: OperatorLauncher, variants: string[], slices: number): Promise<string[]> {
  const lines = [...VARIANT_HEADER];
  for (const variant of variants) {
    lines.push(await variantRowOf(rig, launcher, variant, slices));
    console.log(lines.at(-1));
  }
  return lines;
}
