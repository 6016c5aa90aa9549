import { writeFileSync } from 'node:fs';

/** A kubeconfig for one user of the local cluster, with file references (no inlined keys). */
export function writeKubeconfig(file: string, server: string, caCert: string, user: { cert: string; key: string }, userName = 'admin'): string {
  const yaml = `apiVersion: v1
kind: Config
clusters:
- name: slice-dev
  cluster:
    server: ${server}
    certificate-authority: ${caCert}
users:
- name: ${userName}
  user:
    client-certificate: ${user.cert}
    client-key: ${user.key}
contexts:
- name: slice-dev
  context:
    cluster: slice-dev
    user: ${userName}
current-context: slice-dev
`;
  writeFileSync(file, yaml, { mode: 0o600 });
  return file;
}
