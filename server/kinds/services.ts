/**
 * A Service's allocated values and upstream's rules about them. The cluster IP comes from the
 * service CIDR and node ports from 30000-32767 (k3s's default range), each either picked or
 * asked for and then held by one Service only; they follow the type (ExternalName has no cluster
 * IP, ClusterIP no node ports, NodePort and LoadBalancer one per port, a Local LoadBalancer a
 * health-check port) and are given back when the Service no longer holds them. A cluster IP never
 * changes once set. Messages as upstream's core validation and allocators word them.
 */
import { isDns1123Label } from "../../api/names.ts";
import { duplicate, forbidden, invalid, required } from "../../api/schema/field_errors.ts";
import { invalid as invalidObject, type StatusCause } from "../../api/status.ts";
import type { HookContext, KubeObject, ResourceHooks } from "../registry/types.ts";
import { NumberRange, type ServiceIpAllocator } from "./service_ip.ts";
import { fieldObject, items, type Obj, obj } from "./shape.ts";

const NODE_PORT_FIRST = 30000;
const NODE_PORT_LAST = 32767;

/** Node ports as upstream's allocator hands them out (static band: size/32, 16 to 128). */
export function nodePortRange(inUse: () => Iterable<number>): NumberRange {
  const size = NODE_PORT_LAST - NODE_PORT_FIRST + 1;
  const band = Math.min(Math.max(16, Math.floor(size / 32)), 128);
  return new NumberRange(NODE_PORT_FIRST, NODE_PORT_LAST, band, inUse);
}

export interface ServiceAllocators {
  ips: ServiceIpAllocator;
  nodePorts: NumberRange;
}

const typeOf = (spec: Obj): string => typeof spec.type === "string" ? spec.type : "ClusterIP";
const needsClusterIP = (spec: Obj) => typeOf(spec) !== "ExternalName" && spec.clusterIP !== "None";
const needsNodePorts = (spec: Obj) =>
  typeOf(spec) === "NodePort" ||
  (typeOf(spec) === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
const needsHealthCheck = (spec: Obj) =>
  typeOf(spec) === "LoadBalancer" && spec.externalTrafficPolicy === "Local";

/** The cluster IPs a Service holds. */
export function clusterIPsOf(o: KubeObject): string[] {
  const spec = obj(o.spec) ?? {};
  if (!needsClusterIP(spec)) return [];
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [spec.clusterIP];
  return ips.filter((ip): ip is string => typeof ip === "string" && ip !== "" && ip !== "None");
}

/** The node ports a Service holds (its ports' and its health check's). */
export function nodePortsOf(o: KubeObject): number[] {
  const spec = obj(o.spec) ?? {};
  const out = items(spec.ports).map((p) => p.nodePort);
  out.push(spec.healthCheckNodePort);
  return out.filter((n): n is number => typeof n === "number" && n > 0);
}

function portMessage(got: string): string {
  if (got === "out of range") {
    return `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_FIRST}-${NODE_PORT_LAST}`;
  }
  return got === "taken" ? "provided port is already allocated" : "range is full";
}

/** What one prepare call took, so that a failure gives back exactly that. */
interface Taken {
  ips: string[];
  ports: number[];
}

class Allocation {
  readonly causes: StatusCause[] = [];
  readonly taken: Taken = { ips: [], ports: [] };
  constructor(private a: ServiceAllocators, private ctx: HookContext) {}

  ip(spec: Obj, old: Obj | undefined): void {
    if (!needsClusterIP(spec)) {
      if (spec.clusterIP === "None") spec.clusterIPs = ["None"];
      else if (old && needsClusterIP(old)) {
        // Turned into an ExternalName: the IP fields kept from before go (upstream's
        // dropTypeDependentFields), so that the IP is given back.
        for (const f of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"]) {
          if (JSON.stringify(spec[f]) === JSON.stringify(old[f])) delete spec[f];
        }
      }
      return;
    }
    this.families(spec);
    const held = old && needsClusterIP(old) && typeof old.clusterIP === "string"
      ? old.clusterIP
      : undefined;
    if (held) {
      // An update: the IP stays (validate refuses a change).
      spec.clusterIP ??= held;
      if (spec.clusterIP === "") spec.clusterIP = held;
      const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : undefined;
      if (!ips || JSON.stringify(ips) === JSON.stringify(old!.clusterIPs)) {
        spec.clusterIPs = [spec.clusterIP, ...(ips?.slice(1) ?? [])];
      }
      return;
    }
    const wanted = typeof spec.clusterIP === "string" && spec.clusterIP
      ? spec.clusterIP
      : Array.isArray(spec.clusterIPs) && typeof spec.clusterIPs[0] === "string" &&
          spec.clusterIPs[0]
      ? spec.clusterIPs[0] as string
      : undefined;
    const got = this.a.ips.allocate(wanted, this.ctx.dryRun);
    if (got === "out of range" || got === "taken" || got === "full") {
      const why = got === "out of range"
        ? `the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${this.a.ips.cidr}`
        : got === "taken"
        ? "provided IP is already allocated"
        : "range is full";
      this.causes.push(
        wanted === undefined
          ? invalid("spec.clusterIPs", null, `failed to allocate a serviceIP: ${why}`)
          : invalid("spec.clusterIPs", [wanted], `failed to allocate IP ${wanted}: ${why}`),
      );
      return;
    }
    if (!this.ctx.dryRun) this.taken.ips.push(got);
    spec.clusterIP = got;
    spec.clusterIPs = [got];
  }

  families(spec: Obj): void {
    spec.ipFamilies ??= ["IPv4"];
    spec.ipFamilyPolicy ??= "SingleStack";
  }

  /** Gives `field` a node port: `wanted` (kept if `old` held it already), or a new one. */
  port(field: string, wanted: unknown, oldHeld: Set<number>): number | undefined {
    const asked = typeof wanted === "number" ? wanted : undefined;
    if (asked !== undefined && (oldHeld.has(asked) || this.taken.ports.includes(asked))) {
      return asked;
    }
    const got = this.a.nodePorts.allocate(asked, this.ctx.dryRun);
    if (typeof got !== "number") {
      this.causes.push(invalid(field, asked ?? null, portMessage(got)));
      return asked;
    }
    if (!this.ctx.dryRun) this.taken.ports.push(got);
    return got;
  }

  nodePorts(spec: Obj, old: Obj | undefined): void {
    const oldHeld = new Set(old ? nodePortsOf({ spec: old }) : []);
    const ports = items(spec.ports);
    if (!needsNodePorts(spec)) {
      // Away from NodePort: ports kept from before go (validate refuses any set anew).
      for (const p of ports) if (oldHeld.has(p.nodePort as number)) delete p.nodePort;
    } else {
      const oldPorts = old && needsNodePorts(old) ? items(old.ports) : [];
      const used = new Set(ports.map((p) => p.nodePort).filter((n) => typeof n === "number"));
      ports.forEach((p, i) => {
        // Not a port (schema validation refuses it afterwards): no node port to hold for it.
        if (!obj((spec.ports as unknown[])[i])) return;
        let wanted = p.nodePort;
        if (wanted === undefined) {
          // A port the Service already had keeps its node port (an update that left it out).
          const same = oldPorts.find((o) =>
            o.port === p.port && (o.protocol ?? "TCP") === (p.protocol ?? "TCP") &&
            typeof o.nodePort === "number" && !used.has(o.nodePort)
          );
          if (same) wanted = same.nodePort;
        }
        const got = this.port(`spec.ports[${i}].nodePort`, wanted, oldHeld);
        if (got !== undefined) {
          p.nodePort = got;
          used.add(got);
        }
      });
    }
    if (needsHealthCheck(spec)) {
      const wanted = spec.healthCheckNodePort ?? old?.healthCheckNodePort;
      const got = this.port("spec.healthCheckNodePort", wanted, oldHeld);
      if (got !== undefined) spec.healthCheckNodePort = got;
    } else if (old && spec.healthCheckNodePort === old.healthCheckNodePort) {
      delete spec.healthCheckNodePort;
    }
  }

  /** Throws the causes (after giving back what this call took), if any. */
  settle(o: KubeObject): void {
    if (!this.causes.length) return;
    for (const ip of this.taken.ips) this.a.ips.release(ip);
    for (const p of this.taken.ports) this.a.nodePorts.release(p);
    throw invalidObject("Service", "", String(o.metadata?.name ?? ""), this.causes);
  }
}

/**
 * The defaults that depend on the type, and (on update) what the old type needed and the new
 * one does not, when the write kept it as it was: upstream's dropTypeDependentFields.
 */
function typeDefaults(spec: Obj, old: Obj | undefined): void {
  const type = typeOf(spec);
  const same = (f: string) =>
    old !== undefined && JSON.stringify(spec[f]) === JSON.stringify(old[f]);
  if (type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  else if (same("allocateLoadBalancerNodePorts")) delete spec.allocateLoadBalancerNodePorts;
  if (type === "NodePort" || type === "LoadBalancer") spec.externalTrafficPolicy ??= "Cluster";
  else if (same("externalTrafficPolicy")) delete spec.externalTrafficPolicy;
  if (type !== "ExternalName") spec.internalTrafficPolicy ??= "Cluster";
  else if (same("internalTrafficPolicy")) delete spec.internalTrafficPolicy;
}

function prepare(
  a: ServiceAllocators,
  o: KubeObject,
  old: KubeObject | undefined,
  ctx: HookContext,
) {
  const spec = fieldObject(o, "spec");
  if (!spec) return;
  for (const p of items(spec.ports)) if (p.targetPort === undefined) p.targetPort = p.port;
  const oldSpec = old ? obj(old.spec) ?? {} : undefined;
  typeDefaults(spec, oldSpec);
  const alloc = new Allocation(a, ctx);
  alloc.ip(spec, oldSpec);
  alloc.nodePorts(spec, oldSpec);
  alloc.settle(o);
}

/** Upstream's Service rules beyond the schema. */
function validateService(o: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const spec = obj(o.spec) ?? {};
  const causes: StatusCause[] = [];
  const type = typeOf(spec);
  if (type === "ExternalName") {
    if (typeof spec.externalName !== "string" || spec.externalName === "") {
      causes.push(required("spec.externalName"));
    }
  } else if (spec.clusterIP !== "None" && items(spec.ports).length === 0) {
    causes.push(required("spec.ports"));
  }
  const ports = items(spec.ports);
  const names = new Set<unknown>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (typeof p.name === "string" && p.name !== "") {
      for (const msg of isDns1123Label(p.name)) causes.push(invalid(`${path}.name`, p.name, msg));
      if (names.has(p.name)) causes.push(duplicate(`${path}.name`, p.name));
      names.add(p.name);
    } else if (ports.length > 1) causes.push(required(`${path}.name`));
    if (typeof p.port === "number" && (p.port < 1 || p.port > 65535)) {
      causes.push(invalid(`${path}.port`, p.port, "must be between 1 and 65535, inclusive"));
    }
    if (p.nodePort !== undefined && !needsNodePorts(spec)) {
      causes.push(forbidden(`${path}.nodePort`, `may not be used when \`type\` is '${type}'`));
    }
  });
  if (
    spec.externalTrafficPolicy !== undefined && type !== "NodePort" && type !== "LoadBalancer"
  ) {
    causes.push(
      invalid(
        "spec.externalTrafficPolicy",
        spec.externalTrafficPolicy,
        "may only be set for externally-accessible services",
      ),
    );
  }
  if (spec.healthCheckNodePort !== undefined && !needsHealthCheck(spec)) {
    causes.push(
      invalid(
        "spec.healthCheckNodePort",
        spec.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  }
  const oldSpec = obj(old?.spec);
  if (oldSpec && needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    const was = clusterIPsOf(old!)[0];
    const now = Array.isArray(spec.clusterIPs) ? spec.clusterIPs[0] : spec.clusterIP;
    if (was !== undefined && now !== was) {
      causes.push(invalid("spec.clusterIPs[0]", now, "may not change once set"));
    }
  }
  return causes;
}

export function serviceHooks(a: ServiceAllocators): ResourceHooks {
  const giveBack = (holder: KubeObject, kept?: KubeObject) => {
    const keptIps = new Set(kept ? clusterIPsOf(kept) : []);
    const keptPorts = new Set(kept ? nodePortsOf(kept) : []);
    for (const ip of clusterIPsOf(holder)) if (!keptIps.has(ip)) a.ips.release(ip);
    for (const p of nodePortsOf(holder)) if (!keptPorts.has(p)) a.nodePorts.release(p);
  };
  return {
    prepareCreate: (o, ctx) => prepare(a, o, undefined, ctx),
    prepareUpdate: (o, old, ctx) => prepare(a, o, old, ctx),
    validate: (o, old) => validateService(o, old),
    afterUpdate: (kept, dropped) => giveBack(dropped, kept),
    afterDelete: (o) => giveBack(o),
  };
}
