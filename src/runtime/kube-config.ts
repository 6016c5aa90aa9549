import type { KubeConfig } from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * What KubeClient needs from a configuration. client-node's KubeConfig has this shape, and so
 * does the light loader below.
 */
export interface KubeConnection {
  getCurrentCluster(): { server: string; proxyUrl?: string } | null;
  /** Adds TLS material and credentials to one request. Credentials can rotate, so it runs for every request. */
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

export class KubeConfigError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'KubeConfigError';
  }
}

/** Where a pod finds its service account (a parameter so tests can point it elsewhere). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** client-go re-reads a projected service-account token about once a minute; so do we. */
const TOKEN_REREAD_MS = 60_000;

interface Material {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  tokenFile?: string;
  skipTLSVerify?: boolean;
  tlsServerName?: string;
}

/**
 * A cluster reached with a CA, a client certificate and/or a bearer token. This covers in-cluster
 * service accounts and plain kubeconfig files. Why not always client-node: importing it loads every
 * generated API class, tens of MB of RSS, a large share of the operator's memory target, and the
 * operator only needs to make requests.
 */
class StaticConnection implements KubeConnection {
  private token?: { value: string; readAt: number };

  constructor(private readonly m: Material) {}

  getCurrentCluster(): { server: string } {
    return { server: this.m.server };
  }

  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    if (this.m.ca) opts.ca = this.m.ca;
    if (this.m.cert) opts.cert = this.m.cert;
    if (this.m.key) opts.key = this.m.key;
    if (this.m.skipTLSVerify) opts.rejectUnauthorized = false;
    if (this.m.tlsServerName) opts.servername = this.m.tlsServerName;
    const token = this.bearer();
    if (token) opts.headers = { ...(opts.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` };
  }

  private bearer(): string | undefined {
    if (this.m.token) return this.m.token;
    if (!this.m.tokenFile) return undefined;
    if (!this.token || Date.now() - this.token.readAt > TOKEN_REREAD_MS) {
      this.token = { value: readFileSync(this.m.tokenFile, 'utf8').trim(), readAt: Date.now() };
    }
    return this.token.value;
  }
}

const KubeconfigFile = z.object({
  'current-context': z.string().optional(),
  clusters: z
    .array(
      z.object({
        name: z.string(),
        cluster: z.looseObject({
          server: z.string().url(),
          'certificate-authority': z.string().optional(),
          'certificate-authority-data': z.string().optional(),
          'insecure-skip-tls-verify': z.boolean().optional(),
          'tls-server-name': z.string().optional(),
          'proxy-url': z.string().optional(),
        }),
      }),
    )
    .nullish(),
  users: z.array(z.object({ name: z.string(), user: z.record(z.string(), z.unknown()).nullish() })).nullish(),
  contexts: z.array(z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string().optional() }) })).nullish(),
});

/** User fields the light loader understands; anything else (exec, auth-provider, basic auth) needs client-node. */
const SimpleUser = z.strictObject({
  'client-certificate': z.string().optional(),
  'client-certificate-data': z.string().optional(),
  'client-key': z.string().optional(),
  'client-key-data': z.string().optional(),
  token: z.string().optional(),
  tokenFile: z.string().optional(),
});

/**
 * Reads a kubeconfig file. Returns undefined when it needs client-node's machinery: exec or
 * auth-provider plugins, basic auth, or a proxy. Throws KubeConfigError on anything malformed,
 * naming the field.
 */
export function loadKubeconfigFile(file: string): KubeConnection | undefined {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new KubeConfigError(file, `cannot read: ${(e as Error).message}`);
  }
  const parsed = KubeconfigFile.safeParse(doc);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new KubeConfigError(file, `${i.path.join('.')}: ${i.message}`);
  }
  const cfg = parsed.data;
  const ctxName = cfg['current-context'];
  if (!ctxName) throw new KubeConfigError(file, 'no current-context');
  const ctx = cfg.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new KubeConfigError(file, `context ${ctxName} not found`);
  const cluster = cfg.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new KubeConfigError(file, `cluster ${ctx.cluster} (of context ${ctxName}) not found`);
  const userEntry = ctx.user === undefined ? {} : cfg.users?.find((u) => u.name === ctx.user)?.user;
  if (userEntry === undefined) throw new KubeConfigError(file, `user ${ctx.user} (of context ${ctxName}) not found`);
  const user = SimpleUser.safeParse(userEntry ?? {});
  if (!user.success || cluster['proxy-url']) return undefined;
  const u = user.data;
  // Relative paths in a kubeconfig are relative to the file, as kubectl reads them.
  const dir = path.dirname(path.resolve(file));
  const fileOrData = (ref: string | undefined, data: string | undefined, field: string): Buffer | undefined => {
    if (data) return Buffer.from(data, 'base64');
    if (!ref) return undefined;
    try {
      return readFileSync(path.resolve(dir, ref));
    } catch (e) {
      throw new KubeConfigError(file, `${field}: cannot read ${ref}: ${(e as Error).message}`);
    }
  };
  return new StaticConnection({
    server: cluster.server,
    ca: fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data'], 'certificate-authority'),
    cert: fileOrData(u['client-certificate'], u['client-certificate-data'], 'client-certificate'),
    key: fileOrData(u['client-key'], u['client-key-data'], 'client-key'),
    token: u.token,
    tokenFile: u.tokenFile ? path.resolve(dir, u.tokenFile) : undefined,
    skipTLSVerify: cluster['insecure-skip-tls-verify'],
    tlsServerName: cluster['tls-server-name'],
  });
}

/** The pod's service account, as client-go's rest.InClusterConfig; undefined outside a pod. */
export function inClusterConnection(env: NodeJS.ProcessEnv = process.env, saDir = SERVICE_ACCOUNT_DIR): KubeConnection | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !existsSync(path.join(saDir, 'token'))) return undefined;
  const ca = path.join(saDir, 'ca.crt');
  return new StaticConnection({
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: existsSync(ca) ? readFileSync(ca) : undefined,
    tokenFile: path.join(saDir, 'token'),
  });
}

/**
 * The operator's connection, looked for where kubectl and client-go look: an explicit file, the
 * pod's service account, $KUBECONFIG, ~/.kube/config. client-node is loaded only when the
 * configuration needs it (plugins, proxies, or several files merged from $KUBECONFIG).
 */
export async function loadKubeConnection(explicitFile?: string, env: NodeJS.ProcessEnv = process.env): Promise<KubeConnection> {
  const viaClientNode = async (load: (kc: KubeConfig) => void): Promise<KubeConnection> => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    load(kc);
    return kc;
  };
  if (explicitFile) return loadKubeconfigFile(explicitFile) ?? viaClientNode((kc) => kc.loadFromFile(explicitFile));
  const pod = inClusterConnection(env);
  if (pod) return pod;
  const files = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  if (files.length > 1) return viaClientNode((kc) => kc.loadFromDefault());
  const file = files[0] ?? path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  if (!existsSync(file)) throw new KubeConfigError(file, 'no kubeconfig found (and not running in a pod): pass --kubeconfig or set KUBECONFIG');
  return loadKubeconfigFile(file) ?? viaClientNode((kc) => kc.loadFromFile(file));
}
