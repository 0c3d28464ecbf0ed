/**
 * The rules of the cluster's own configuration kinds few writes touch (certificate requests,
 * priority and fairness, APIServices), in one table that hooks.ts loads on the first write of
 * one of them: an idle server need not hold them.
 */
import type { HookTable } from "../registry/builtin.ts";
import { apiServiceHooks } from "./apiservices.ts";
import { csrHooks } from "./certificates.ts";
import { flowSchemaHooks, priorityLevelHooks } from "./flowcontrol.ts";

export function clusterHooks(): HookTable {
  return {
    "certificates.k8s.io/CertificateSigningRequest": csrHooks(),
    "flowcontrol.apiserver.k8s.io/FlowSchema": flowSchemaHooks(),
    "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration": priorityLevelHooks(),
    "apiregistration.k8s.io/APIService": apiServiceHooks(),
  };
}
