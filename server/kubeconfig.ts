/**
 * The admin kubeconfig: the cluster CA inline and a bearer token, written durably with the
 * requested mode. Written as YAML by hand (every value is quoted as JSON, which YAML accepts) so
 * that the server never loads a YAML library just for this.
 */
import { writeFileDurable } from "./files.ts";

export function kubeconfigYaml(
  server: string,
  caPem: string,
  token: string,
  name = "default",
): string {
  const q = JSON.stringify;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${q(name)}`,
    "  cluster:",
    `    server: ${q(server)}`,
    `    certificate-authority-data: ${q(btoa(caPem))}`,
    "users:",
    `- name: ${q(name)}`,
    "  user:",
    `    token: ${q(token)}`,
    "contexts:",
    `- name: ${q(name)}`,
    "  context:",
    `    cluster: ${q(name)}`,
    `    user: ${q(name)}`,
    `current-context: ${q(name)}`,
    "preferences: {}",
    "",
  ].join("\n");
}

export async function writeKubeconfig(path: string, yaml: string, mode: number): Promise<void> {
  await writeFileDurable(path, yaml, mode);
}
