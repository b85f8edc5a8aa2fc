/**
 * apply()'s planner: the least set of changes that turns the kernel's table
 * into the desired one, each with the operation that undoes it. Pure: it
 * sees two tables, sends nothing.
 * @module
 */
import type { BatchOperation } from '../batch';
import { hostPort } from '../describe';
import { invalidValue } from '../errors';
import { BATCH_OP, type RawBatchOp, type RawDestination, type RawService, type RawServiceKey } from '../native';
import { familyOf } from '../records';
import { PROTOCOL, nameOf } from '../constants';
import type { DestinationKey, Family, ServiceKey, SnapshotService } from '../types';
import { Turns } from '../turns';
import { canonicalAddress } from '../validate/address';
import { checkDestinationKey, checkDestinationSpec } from '../validate/destination';
import { object } from '../validate/primitives';
import { checkServiceSpec } from '../validate/service';
import { destinationId, destinationSettings, serviceId, serviceSettings } from './identity';

/** One change of the table, as apply() reports it. */
export interface TableChange {
  action: 'add' | 'update' | 'delete';
  service: ServiceKey;
  destination?: DestinationKey;
}

/** A batch operation in raw form. */
export interface RawStep {
  operation: BatchOperation;
  op: RawBatchOp;
  service: RawServiceKey;
  destination?: RawDestination;
}

/** A planned change: what to send, and what undoes it once sent. */
export interface PlannedChange extends RawStep {
  change: TableChange;
  undo: RawStep[];
}

interface Side {
  raw: RawService | undefined; // undefined: the kernel holds something we cannot express (compare as different)
  family: Family;
  key: RawServiceKey;
  destinations: Map<string, RawDestination | undefined> | undefined; // undefined: leave as they are
  /** The kernel side: the service as read. */
  source?: SnapshotService;
}

export type TableIndex = Map<string, Side>;

/** The desired table, validated (argument errors name the entry: 'desired[3].destinations[1].weight'). */
export async function checkDesired(desired: unknown): Promise<Map<string, Side>> {
  if (!Array.isArray(desired)) throw invalidValue('desired', desired, 'must be an array of services');
  const out = new Map<string, Side>();
  const turns = new Turns();
  for (let i = 0; i < desired.length; i++) {
    const name = `desired[${i}]`;
    const s = checkServiceSpec(desired[i], name);
    const id = serviceId(s.raw);
    if (out.has(id)) throw invalidValue(name, s.label, 'is listed twice');
    const list = object(name, desired[i]).destinations;
    let destinations: Side['destinations'];
    if (list !== undefined) {
      if (!Array.isArray(list)) throw invalidValue(`${name}.destinations`, list, 'must be an array');
      destinations = new Map();
      for (let j = 0; j < list.length; j++) {
        const d = checkDestinationSpec(list[j], s.family, `${name}.destinations[${j}]`).raw;
        const did = destinationId(d);
        if (destinations.has(did)) throw invalidValue(`${name}.destinations[${j}]`, hostPort(d.address, d.port, familyOf(d.family!)), 'is listed twice');
        destinations.set(did, d);
      }
    }
    out.set(id, { raw: s.raw, family: s.family, key: s.raw, destinations });
    const turn = turns.maybe();
    if (turn) await turn;
  }
  return out;
}

/** The kernel's table in the same form. Values only other tools can write compare as different. */
export async function indexCurrent(snapshot: SnapshotService[]): Promise<Map<string, Side>> {
  const out = new Map<string, Side>();
  const turns = new Turns();
  for (const svc of snapshot) {
    const family = svc.family;
    let raw: RawService | undefined;
    let key: RawServiceKey;
    try {
      raw = checkServiceSpec(svc).raw;
      key = raw;
    } catch {
      // e.g. a protocol number ipvsadm cannot set: still identify it by its key.
      key = 'fwmark' in svc ? { family: family === 'inet6' ? 10 : 2, protocol: 0, address: '', port: 0, fwmark: svc.fwmark } : { family: family === 'inet6' ? 10 : 2, protocol: Number(svc.protocol) || 0, address: svc.address, port: svc.port, fwmark: 0 };
    }
    const destinations = new Map<string, RawDestination | undefined>();
    for (const d of svc.destinations) {
      let r: RawDestination | undefined;
      try {
        r = checkDestinationSpec(d, family).raw;
      } catch {
        r = undefined;
      }
      destinations.set(destinationId(r ?? checkDestinationKey(d).raw), r ?? checkDestinationKey(d).raw);
    }
    out.set(serviceId(key), { raw, family, key, destinations, source: svc });
    const turn = turns.maybe();
    if (turn) await turn;
  }
  return out;
}

/**
 * The plan, in a safe order: new services, changed services, destinations
 * removed, changed (in place: weights are never deleted and re-added), added;
 * with prune, services not desired last.
 */
export function plan(current: Map<string, Side>, desired: Map<string, Side>, prune: boolean): PlannedChange[] {
  const addServices: PlannedChange[] = [];
  const updateServices: PlannedChange[] = [];
  const deleteDests: PlannedChange[] = [];
  const updateDests: PlannedChange[] = [];
  const addDests: PlannedChange[] = [];
  const deleteServices: PlannedChange[] = [];

  for (const [id, want] of desired) {
    const have = current.get(id);
    const svc = want.raw!;
    if (!have) {
      // Undoing the service's add removes its destinations with it.
      addServices.push(step('add', 'addService', svc, undefined, [undoStep('deleteService', svc)]));
      for (const d of want.destinations?.values() ?? []) addDests.push(step('add', 'addDestination', svc, d!, []));
      continue;
    }
    if (!have.raw || serviceSettings(have.raw) !== serviceSettings(svc)) {
      updateServices.push(step('update', 'updateService', svc, undefined, have.raw ? [undoStep('updateService', have.raw)] : []));
    }
    if (!want.destinations) continue;
    for (const [did, d] of want.destinations) {
      const old = have.destinations!.get(did);
      if (old === undefined) addDests.push(step('add', 'addDestination', svc, d!, [undoStep('deleteDestination', svc, d!)]));
      else if (old.forwarding === undefined || destinationSettings(old) !== destinationSettings(d!)) {
        updateDests.push(step('update', 'updateDestination', svc, d!, old.forwarding === undefined ? [] : [undoStep('updateDestination', svc, old)]));
      }
    }
    for (const [did, old] of have.destinations!) {
      if (!want.destinations.has(did)) deleteDests.push(step('delete', 'deleteDestination', have.key, old!, old!.forwarding === undefined ? [] : [undoStep('addDestination', have.key, old!)]));
    }
  }
  if (prune) {
    for (const [id, have] of current) {
      if (desired.has(id)) continue;
      const undo = have.raw ? [undoStep('addService', have.raw), ...[...have.destinations!.values()].filter((d) => d!.forwarding !== undefined).map((d) => undoStep('addDestination', have.raw!, d!))] : [];
      deleteServices.push(step('delete', 'deleteService', have.key, undefined, undo));
    }
  }
  return [...addServices, ...updateServices, ...deleteDests, ...updateDests, ...addDests, ...deleteServices];
}

function undoStep(operation: BatchOperation, service: RawServiceKey | RawService, destination?: RawDestination): RawStep {
  const kind = BATCH_OP[operation];
  const op = (destination ? [kind, service, destination] : [kind, service]) as RawBatchOp;
  return { operation, op, service, destination };
}

function step(action: TableChange['action'], operation: BatchOperation, service: RawServiceKey | RawService, destination: RawDestination | undefined, undo: RawStep[]): PlannedChange {
  const change: TableChange = { action, service: publicKey(service) };
  if (destination) change.destination = { address: canonicalAddress(destination.address), port: destination.port };
  return { ...undoStep(operation, service, destination), change, undo };
}

/** A raw key as users write keys: { protocol, address, port } or { fwmark, family }. */
export function publicKey(k: RawServiceKey): ServiceKey {
  if (k.fwmark) return { fwmark: k.fwmark, family: familyOf(k.family) };
  return { protocol: nameOf(PROTOCOL, k.protocol) ?? (String(k.protocol) as 'tcp'), address: canonicalAddress(k.address), port: k.port };
}
