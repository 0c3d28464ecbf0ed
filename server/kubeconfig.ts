/**
 * The admin kubeconfig: the cluster CA inline and a bearer token, written durably with the
 * requested mode.
 */
import { stringify } from "yaml";
import { writeFileDurable } from "./files.ts";

export function kubeconfigYaml(server: string, caPem: string, token: string, name = "default"): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server, "certificate-authority-data": btoa(caPem) } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, yaml: string, mode: number): Promise<void> {
  await writeFileDurable(path, yaml, mode);
}
