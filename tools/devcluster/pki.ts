import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Files of the throwaway PKI of one local cluster. */
export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  saKey: string;
  saPub: string;
  /** Client certificates by user name (admin is in system:masters). */
  clients: Record<string, { cert: string; key: string }>;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ecKey(dir: string, file: string): string {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file], dir);
  return path.join(dir, file);
}

function signed(dir: string, name: string, subject: string, ext: string): { cert: string; key: string } {
  const key = ecKey(dir, `${name}.key`);
  openssl(['req', '-new', '-key', key, '-subj', subject, '-out', `${name}.csr`], dir);
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30',
      '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`],
    dir,
  );
  return { cert: path.join(dir, `${name}.crt`), key };
}

/** The aggregation layer's front proxy: its own CA and the client certificate kube-apiserver presents to aggregated APIs. */
export interface FrontProxyPki {
  caCert: string;
  clientCert: string;
  clientKey: string;
}

/**
 * The front-proxy CA and its `front-proxy-client` certificate, in a directory of their own (the
 * same file names as the cluster CA's would clash), for the API server's requestheader flags.
 */
export function generateFrontProxy(dir: string): FrontProxyPki {
  const caKey = ecKey(dir, 'ca.key');
  openssl(['req', '-x509', '-new', '-key', caKey, '-subj', '/CN=front-proxy-ca', '-days', '30', '-sha256', '-out', 'ca.crt'], dir);
  const client = signed(dir, 'front-proxy-client', '/CN=front-proxy-client', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  return { caCert: path.join(dir, 'ca.crt'), clientCert: client.cert, clientKey: client.key };
}

/**
 * A serving (and client) certificate signed by the cluster CA in `caDir`, with DNS and IP SANs:
 * what an aggregated API server needs, since kube-apiserver verifies it against the name of the
 * Service its APIService points at.
 */
export function servingCert(caDir: string, name: string, dnsNames: string[], ips: string[] = ['127.0.0.1']): { cert: string; key: string } {
  const sans = [...dnsNames.map((d) => `DNS:${d}`), ...ips.map((i) => `IP:${i}`)].join(',');
  return signed(caDir, name, `/CN=${dnsNames[0] ?? name}`, `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${sans}\n`);
}

/**
 * A CA, the API server's serving certificate (SANs for loopback and the in-cluster service IP),
 * client certificates for the admin and the control-plane components (their default RBAC roles
 * are bound to these user names), and the service-account signing key pair. EC P-256 keeps this
 * well under a second.
 */
export function generatePki(dir: string, serviceIp = '10.0.0.1'): Pki {
  const caKey = ecKey(dir, 'ca.key');
  openssl(['req', '-x509', '-new', '-key', caKey, '-subj', '/CN=slice-operator-dev-ca', '-days', '30', '-sha256', '-out', 'ca.crt'], dir);
  const server = signed(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n` +
      `subjectAltName=IP:127.0.0.1,IP:${serviceIp},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n`,
  );
  const clientExt = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';
  const clients = {
    admin: signed(dir, 'admin', '/O=system:masters/CN=admin', clientExt),
    'system:kube-controller-manager': signed(dir, 'kcm', '/CN=system:kube-controller-manager', clientExt),
    'system:kube-scheduler': signed(dir, 'scheduler', '/CN=system:kube-scheduler', clientExt),
  };
  const saKey = ecKey(dir, 'sa.key');
  openssl(['ec', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return { caCert: path.join(dir, 'ca.crt'), caKey, serverCert: server.cert, serverKey: server.key, saKey, saPub: path.join(dir, 'sa.pub'), clients };
}
