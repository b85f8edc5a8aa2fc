/**
 * apply()'s planner: the least set of changes that turns the kernel's table
 * into the desired one, each with the operation that undoes it. Pure: it
 * sees two tables, sends nothing.
 * @module
 */
import { describeRawService, hostPort } from '../describe';
import { invalidValue } from '../errors';
import { BATCH_OP, type RawDestination, type RawService, type RawServiceKey } from '../native';
import { familyOf, RecordReader } from '../records';
import { PROTOCOL, nameOf } from '../constants';
import type { DestinationKey, Family, ServiceKey, SnapshotService } from '../types';
import { Turns } from '../turns';
import { canonicalAddress } from '../validate/address';
import { checkDestinationSpec } from '../validate/destination';
import { object, Path } from '../validate/primitives';
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
  kind: number; // BATCH_OP
  service: RawServiceKey | RawService;
  destination?: RawDestination;
}

/**
 * A planned change: what to send, and what it replaces (`old`: the kernel's
 * service or destination settings, or for a pruned service its whole entry),
 * from which undo() derives the steps that revert it.
 */
export interface PlannedChange extends RawStep {
  change: TableChange;
  old?: RawService | RawDestination | Side;
}

interface Side {
  raw: RawService;
  family: Family;
  key: RawServiceKey;
  destinations: Map<string, RawDestination> | undefined; // desired: undefined to leave them as they are
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
    const name = new Path('desired', i);
    const s = checkServiceSpec(desired[i], name);
    const id = serviceId(s.raw);
    if (out.has(id)) throw invalidValue(name, describeRawService(s.raw), 'is listed twice');
    const list = object(name, desired[i]).destinations;
    let destinations: Side['destinations'];
    if (list !== undefined) {
      if (!Array.isArray(list)) throw invalidValue(`${String(name)}.destinations`, list, 'must be an array');
      destinations = new Map();
      for (let j = 0; j < list.length; j++) {
        const d = checkDestinationSpec(list[j], s.family, new Path(name, j, 'destinations')).raw;
        const did = destinationId(d);
        if (destinations.has(did)) throw invalidValue(new Path(name, j, 'destinations'), hostPort(d.address, d.port, familyOf(d.family!)), 'is listed twice');
        destinations.set(did, d);
      }
    }
    out.set(id, { raw: s.raw, family: s.family, key: s.raw, destinations });
    const turn = turns.maybe();
    if (turn) await turn;
  }
  return out;
}

/**
 * The kernel's table in the same form, from snapshot records: the kernel's
 * own values, so that what other tools set and the API cannot express still
 * compares (as different) and is restored exactly by an undo. `sources`,
 * the same records read as public objects, are attached in order (watch()).
 */
export async function indexRecords(records: Buffer, sources?: SnapshotService[]): Promise<TableIndex> {
  const out: TableIndex = new Map();
  const reader = new RecordReader(records);
  const turns = new Turns();
  for (let i = 0; !reader.done; i++) {
    const { service: raw, destinations: count } = reader.rawService();
    const destinations = new Map<string, RawDestination>();
    for (let j = 0; j < count; j++) {
      const d = reader.rawDestination();
      destinations.set(destinationId(d), d);
    }
    out.set(serviceId(raw), { raw, family: familyOf(raw.family), key: raw, destinations, source: sources?.[i] });
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
export async function plan(current: Map<string, Side>, desired: Map<string, Side>, prune: boolean): Promise<PlannedChange[]> {
  const turns = new Turns();
  const addServices: PlannedChange[] = [];
  const updateServices: PlannedChange[] = [];
  const deleteDests: PlannedChange[] = [];
  const updateDests: PlannedChange[] = [];
  const addDests: PlannedChange[] = [];
  const deleteServices: PlannedChange[] = [];

  for (const [id, want] of desired) {
    const have = current.get(id);
    const svc = want.raw;
    const key = publicKey(svc); // one object for all of the service's changes
    if (!have) {
      addServices.push({ kind: BATCH_OP.addService, service: svc, change: { action: 'add', service: key } });
      for (const d of want.destinations?.values() ?? []) addDests.push(destinationStep(BATCH_OP.addDestination, 'add', svc, key, d));
      const turn = turns.maybe();
      if (turn) await turn;
      continue;
    }
    if (serviceSettings(have.raw) !== serviceSettings(svc)) {
      updateServices.push({ kind: BATCH_OP.updateService, service: svc, change: { action: 'update', service: key }, old: have.raw });
    }
    if (!want.destinations) continue;
    for (const [did, d] of want.destinations) {
      const old = have.destinations!.get(did);
      if (old === undefined) addDests.push(destinationStep(BATCH_OP.addDestination, 'add', svc, key, d, d));
      else if (destinationSettings(old) !== destinationSettings(d)) updateDests.push(destinationStep(BATCH_OP.updateDestination, 'update', svc, key, d, old));
    }
    for (const [did, old] of have.destinations!) {
      if (!want.destinations.has(did)) deleteDests.push(destinationStep(BATCH_OP.deleteDestination, 'delete', have.key, key, old, old));
    }
    const turn = turns.maybe();
    if (turn) await turn;
  }
  if (prune) {
    for (const [id, have] of current) {
      if (!desired.has(id)) deleteServices.push({ kind: BATCH_OP.deleteService, service: have.key, change: { action: 'delete', service: publicKey(have.key) }, old: have });
    }
  }
  return [...addServices, ...updateServices, ...deleteDests, ...updateDests, ...addDests, ...deleteServices];
}

function destinationStep(kind: number, action: TableChange['action'], service: RawServiceKey | RawService, key: ServiceKey, d: RawDestination, old?: RawDestination): PlannedChange {
  return { kind, service, destination: d, change: { action, service: key, destination: { address: canonicalAddress(d.address), port: d.port } }, old };
}

/**
 * The steps that revert a change once made, from what it replaced; none for
 * a destination added to a new service (undoing the service's add removes it).
 */
export function undo(p: PlannedChange): RawStep[] {
  switch (p.kind) {
    case BATCH_OP.addService:
      return [{ kind: BATCH_OP.deleteService, service: p.service }];
    case BATCH_OP.updateService:
      return [{ kind: BATCH_OP.updateService, service: p.old as RawService }];
    case BATCH_OP.addDestination:
      return p.old ? [{ kind: BATCH_OP.deleteDestination, service: p.service, destination: p.destination }] : [];
    case BATCH_OP.updateDestination:
      return [{ kind: BATCH_OP.updateDestination, service: p.service, destination: p.old as RawDestination }];
    case BATCH_OP.deleteDestination:
      return [{ kind: BATCH_OP.addDestination, service: p.service, destination: p.old as RawDestination }];
    default: {
      const side = p.old as Side;
      const readd: RawStep[] = [{ kind: BATCH_OP.addService, service: side.raw }];
      for (const d of side.destinations!.values()) readd.push({ kind: BATCH_OP.addDestination, service: side.raw, destination: d });
      return readd;
    }
  }
}

/** A raw key as users write keys: { protocol, address, port } or { fwmark, family }. */
export function publicKey(k: RawServiceKey): ServiceKey {
  if (k.fwmark) return { fwmark: k.fwmark, family: familyOf(k.family) };
  return { protocol: nameOf(PROTOCOL, k.protocol) ?? (String(k.protocol) as 'tcp'), address: canonicalAddress(k.address), port: k.port };
}
