/**
 * apply()'s planner: the least set of changes that turns the kernel's table
 * into the desired one, each able to say what undoes it. Pure: it sees two
 * tables, sends nothing. Written for tables of 50,000 objects: few objects
 * per object of the table, and the event loop gets its turns.
 * @module
 */
import { describeRawService, hostPort } from '../describe';
import { invalidValue } from '../errors';
import { BATCH_OP, type RawDestination, type RawService, type RawServiceKey } from '../native';
import { familyOf, publicServiceKey } from '../convert';
import { RecordReader } from '../records';
import { Turns } from '../turns';
import type { DestinationKey, ServiceKey, SnapshotService } from '../types';
import { canonicalAddress } from '../validate/address';
import { checkDestinationSpec } from '../validate/destination';
import { object, Path } from '../validate/primitives';
import { checkServiceSpec } from '../validate/service';
import { destinationId, sameDestinationSettings, sameServiceSettings, serviceId } from './identity';

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

/** A service of the kernel's table, in raw form. */
export interface KernelService {
  raw: RawService;
  destinations: Map<string, RawDestination>; // by destinationId()
  /** The service as read (watch()). */
  source?: SnapshotService;
}
export type TableIndex = Map<string, KernelService>; // by serviceId()

/** A service of the desired table, validated. */
export interface DesiredEntry {
  raw: RawService;
  destinations: RawDestination[] | undefined; // undefined: leave the kernel's as they are
}
export type DesiredIndex = Map<string, DesiredEntry>;

/**
 * A planned change: the change itself (its enumerable fields are exactly a
 * TableChange, so it is returned as one) and, privately, what to send and
 * what it replaces, from which undo() derives the steps that revert it.
 */
export class PlannedChange implements TableChange {
  readonly #kind: number;
  readonly #service: RawServiceKey | RawService;
  readonly #destination: RawDestination | undefined;
  readonly #old: RawService | RawDestination | KernelService | undefined;
  // Declared only: present (as an own property) on destination changes alone.
  declare destination?: DestinationKey;

  constructor(
    readonly action: TableChange['action'],
    readonly service: ServiceKey,
    kind: number,
    raw: RawServiceKey | RawService,
    destination?: RawDestination,
    old?: RawService | RawDestination | KernelService,
  ) {
    this.#kind = kind;
    this.#service = raw;
    this.#destination = destination;
    this.#old = old;
    if (destination) this.destination = { address: canonicalAddress(destination.address), port: destination.port };
  }

  get kind(): number {
    return this.#kind;
  }
  get rawService(): RawServiceKey | RawService {
    return this.#service;
  }
  get rawDestination(): RawDestination | undefined {
    return this.#destination;
  }
  /** What it replaces: the kernel's settings, or for a pruned service its whole entry. */
  get old(): RawService | RawDestination | KernelService | undefined {
    return this.#old;
  }
}

/** The desired table, validated (argument errors name the entry: 'desired[3].destinations[1].weight'). */
export async function checkDesired(desired: unknown): Promise<DesiredIndex> {
  if (!Array.isArray(desired)) throw invalidValue('desired', desired, 'must be an array of services');
  const out: DesiredIndex = new Map();
  const turns = new Turns(8);
  for (let i = 0; i < desired.length; i++) {
    const name = new Path('desired', i);
    const s = checkServiceSpec(desired[i], name);
    const id = serviceId(s.raw);
    if (out.has(id)) throw invalidValue(name, describeRawService(s.raw), 'is listed twice');
    const list = object(name, desired[i]).destinations;
    let destinations: RawDestination[] | undefined;
    if (list !== undefined) {
      if (!Array.isArray(list)) throw invalidValue(`${String(name)}.destinations`, list, 'must be an array');
      destinations = new Array<RawDestination>(list.length);
      for (let j = 0; j < list.length; j++) destinations[j] = checkDestinationSpec(list[j], s.family, new Path(name, j, 'destinations')).raw;
      const dup = duplicateAt(destinations);
      if (dup >= 0) {
        const d = destinations[dup]!;
        throw invalidValue(new Path(name, dup, 'destinations'), hostPort(d.address, d.port, familyOf(d.family!)), 'is listed twice');
      }
    }
    out.set(id, { raw: s.raw, destinations });
    const turn = turns.maybe();
    if (turn) await turn;
  }
  return out;
}

/** The index of a destination that repeats an earlier one, or -1. Short lists (most) without ids. */
function duplicateAt(list: RawDestination[]): number {
  if (list.length > 16) {
    const seen = new Set<string>();
    for (let i = 0; i < list.length; i++) {
      const id = destinationId(list[i]!);
      if (seen.has(id)) return i;
      seen.add(id);
    }
    return -1;
  }
  for (let i = 1; i < list.length; i++) {
    const a = list[i]!;
    for (let j = 0; j < i; j++) {
      const b = list[j]!;
      if (a.port === b.port && (a.address === b.address || canonicalAddress(a.address) === canonicalAddress(b.address))) return i;
    }
  }
  return -1;
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
  const turns = new Turns(8); // a service and its destinations per item
  for (let i = 0; !reader.done; i++) {
    const { service: raw, destinations: count } = reader.rawService();
    const destinations = new Map<string, RawDestination>();
    for (let j = 0; j < count; j++) {
      const d = reader.rawDestination();
      destinations.set(destinationId(d), d);
    }
    out.set(serviceId(raw), { raw, destinations, source: sources?.[i] });
    const turn = turns.maybe();
    if (turn) await turn;
  }
  return out;
}

/** A kernel table as a desired one (watch() plans from one sample to the next). */
export function asDesired(index: TableIndex): DesiredIndex {
  const out: DesiredIndex = new Map();
  for (const [id, k] of index) out.set(id, { raw: k.raw, destinations: [...k.destinations.values()] });
  return out;
}

/**
 * The plan, in a safe order: new services, changed services, destinations
 * removed, changed (in place: weights are never deleted and re-added), added;
 * with prune, services not desired last.
 */
export async function plan(current: TableIndex, desired: DesiredIndex, prune: boolean): Promise<PlannedChange[]> {
  const turns = new Turns(8);
  const addServices: PlannedChange[] = [];
  const updateServices: PlannedChange[] = [];
  const deleteDests: PlannedChange[] = [];
  const updateDests: PlannedChange[] = [];
  const addDests: PlannedChange[] = [];
  const deleteServices: PlannedChange[] = [];

  for (const [id, want] of desired) {
    const have = current.get(id);
    const svc = want.raw;
    const key = publicServiceKey(svc); // one object for all of the service's changes
    if (!have) {
      addServices.push(new PlannedChange('add', key, BATCH_OP.addService, svc));
      // No undo of their own: undoing the service's add removes them.
      for (const d of want.destinations ?? []) addDests.push(new PlannedChange('add', key, BATCH_OP.addDestination, svc, d));
    } else {
      if (!sameServiceSettings(have.raw, svc)) updateServices.push(new PlannedChange('update', key, BATCH_OP.updateService, svc, undefined, have.raw));
      if (want.destinations) {
        const wanted = new Set<string>();
        for (const d of want.destinations) {
          const did = destinationId(d);
          wanted.add(did);
          const old = have.destinations.get(did);
          if (old === undefined) addDests.push(new PlannedChange('add', key, BATCH_OP.addDestination, svc, d, d));
          else if (!sameDestinationSettings(old, d)) updateDests.push(new PlannedChange('update', key, BATCH_OP.updateDestination, svc, d, old));
        }
        for (const [did, old] of have.destinations) {
          if (!wanted.has(did)) deleteDests.push(new PlannedChange('delete', key, BATCH_OP.deleteDestination, have.raw, old, old));
        }
      }
    }
    const turn = turns.maybe();
    if (turn) await turn;
  }
  if (prune) {
    for (const [id, have] of current) {
      if (!desired.has(id)) deleteServices.push(new PlannedChange('delete', publicServiceKey(have.raw), BATCH_OP.deleteService, have.raw, undefined, have));
    }
  }
  return [...addServices, ...updateServices, ...deleteDests, ...updateDests, ...addDests, ...deleteServices];
}

/**
 * The steps that revert a change once made, from what it replaced; none for
 * a destination added to a new service (undoing the service's add removes it).
 */
export function undo(p: PlannedChange): RawStep[] {
  switch (p.kind) {
    case BATCH_OP.addService:
      return [{ kind: BATCH_OP.deleteService, service: p.rawService }];
    case BATCH_OP.updateService:
      return [{ kind: BATCH_OP.updateService, service: p.old as RawService }];
    case BATCH_OP.addDestination:
      return p.old ? [{ kind: BATCH_OP.deleteDestination, service: p.rawService, destination: p.rawDestination }] : [];
    case BATCH_OP.updateDestination:
      return [{ kind: BATCH_OP.updateDestination, service: p.rawService, destination: p.old as RawDestination }];
    case BATCH_OP.deleteDestination:
      return [{ kind: BATCH_OP.addDestination, service: p.rawService, destination: p.old as RawDestination }];
    default: {
      const k = p.old as KernelService;
      const readd: RawStep[] = [{ kind: BATCH_OP.addService, service: k.raw }];
      for (const d of k.destinations.values()) readd.push({ kind: BATCH_OP.addDestination, service: k.raw, destination: d });
      return readd;
    }
  }
}
