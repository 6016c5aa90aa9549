// Merging the Python peers' outputs (tools/eval/peers.ts): each script forecasts its own methods
// for the same series and targets; the evaluation sees one set.
import { mergePeers, type ScriptOutput } from '../../../../tools/eval/peers.js';

const out = (methods: Record<string, number[]>, targets: [number, number] = [408, 410]): ScriptOutput => ({
  window: 'test',
  targets,
  seconds: 12.5,
  series: { 'square-3': Object.fromEntries(Object.entries(methods).map(([m, v]) => [m, { '1': v, '6': v.map(() => null) }])) },
});

describe('mergePeers', () => {
  it('puts every script’s methods under the same series, with each script’s seconds', () => {
    const merged = mergePeers('test', [
      ['peers', out({ 'LightGBM (168 lags)': [1, 2] })],
      ['neural', out({ 'N-HiTS (neuralforecast)': [3, 4] })],
    ]);
    expect(merged.targets).toEqual([408, 410]);
    expect(merged.seconds).toEqual({ peers: 12.5, neural: 12.5 });
    expect(Object.keys(merged.series['square-3']!)).toEqual(['LightGBM (168 lags)', 'N-HiTS (neuralforecast)']);
    expect(merged.series['square-3']!['N-HiTS (neuralforecast)']!['1']).toEqual([3, 4]);
  });

  it('refuses outputs over different targets, another window, or the same method twice', () => {
    const a = out({ A: [1, 2] });
    expect(() => mergePeers('test', [['peers', a], ['neural', out({ B: [1, 2] }, [409, 411])]])).toThrow('peer neural covers targets [409, 411), peers [408, 410)');
    expect(() => mergePeers('sealed', [['peers', a]])).toThrow('peer peers forecast the test window, not sealed');
    expect(() => mergePeers('test', [['peers', a], ['neural', out({ A: [5, 6] })]])).toThrow('peer neural forecasts A for square-3, as an earlier peer does');
  });
});
