#!/usr/bin/env node
/**
 * `kubectl slice`: a kubectl plugin (an executable named kubectl-slice on PATH) for NetworkSlices
 * and their SliceDecisions. Usage: kubectl slice --help.
 */
import { loadKubeConnection } from '../runtime/kube-config.js';
import { KubeClient } from '../runtime/kube-client.js';
import { answer, explain, get, pause, PluginError, type Ctx } from './plugin/commands.js';

const HELP = `kubectl slice: NetworkSlices and their SliceDecisions

  kubectl slice get [-A]                       slices with mode, phase, UPF ready/desired, load, forecast and pending decisions
  kubectl slice explain NAME                   why each CNF has its replicas and the UPF its sites, with the numbers
  kubectl slice approve DECISION [--reason R]  approve a pending SliceDecision (needs the slice-approver role)
  kubectl slice deny DECISION [--reason R]     deny it: it is never applied
  kubectl slice pause NAME | resume NAME       freeze or release a slice's replicas and UPF sites

Flags: -n/--namespace NS (default: $SLICE_NAMESPACE or default), -A/--all-namespaces, --kubeconfig FILE`;

interface Args {
  positional: string[];
  namespace: string;
  allNamespaces: boolean;
  kubeconfig?: string;
  reason?: string;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Args {
  const out: Args = { positional: [], namespace: env.SLICE_NAMESPACE ?? 'default', allNamespaces: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new PluginError(`${a} needs a value`);
      return v;
    };
    if (a === '-n' || a.startsWith('--namespace')) out.namespace = value();
    else if (a === '-A' || a === '--all-namespaces') out.allNamespaces = true;
    else if (a.startsWith('--kubeconfig')) out.kubeconfig = value();
    else if (a.startsWith('--reason')) out.reason = value();
    else if (a.startsWith('-')) throw new PluginError(`unknown flag ${a} (see kubectl slice --help)`);
    else out.positional.push(a);
  }
  return out;
}

async function run(argv: string[]): Promise<string> {
  if (!argv.length || argv.includes('--help') || argv.includes('-h')) return HELP;
  const a = parseArgs(argv);
  const [cmd, name] = a.positional;
  const needName = (what: string): string => {
    if (!name) throw new PluginError(`${cmd} needs ${what} (see kubectl slice --help)`);
    return name;
  };
  const client = new KubeClient(await loadKubeConnection(a.kubeconfig), 'kubectl-slice');
  const c: Ctx = { client, namespace: a.namespace, allNamespaces: a.allNamespaces, now: Date.now() };
  switch (cmd) {
    case 'get':
      return get(c);
    case 'explain':
      return explain(c, needName('a slice name'));
    case 'approve':
      return answer(c, needName('a SliceDecision name'), 'Approved', a.reason);
    case 'deny':
      return answer(c, needName('a SliceDecision name'), 'Denied', a.reason);
    case 'pause':
      return pause(c, needName('a slice name'), true);
    case 'resume':
      return pause(c, needName('a slice name'), false);
    default:
      throw new PluginError(`unknown command ${JSON.stringify(cmd)} (get, explain, approve, deny, pause, resume)`);
  }
}

run(process.argv.slice(2)).then(
  (out) => {
    process.stdout.write(`${out}\n`);
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
