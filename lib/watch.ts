/**
 * watch(): periodic snapshots with what happened in between: per-interval
 * deltas and rates from the 64-bit counters, and the table's changes (the
 * same changes apply() would make to turn the previous table into this one).
 * @module
 */
import { EventEmitter } from 'node:events';
import { readSnapshot } from './records';
import { asDesired, indexRecords, plan, type TableChange, type TableIndex } from './table/plan';
import type { Destination, SnapshotService, Stats } from './types';
import { knownKeys, object, optionalInteger } from './validate/primitives';
import { destinationId } from './table/identity';

export interface WatchOptions {
  /** Milliseconds between snapshots (100..86400000), measured from the end of one to the start of the next. Default 2000. */
  interval?: number;
}

/**
 * What a sample adds to a service's or destination's Stats: the counters
 * gained in the interval (bigint) and the per-second rates they give, which
 * unlike the kernel's own estimates (Stats' rates, over about 2 s) cover
 * exactly the interval.
 */
export interface StatsDelta extends Stats {
  /** The counters went down (zero(), or the object was re-created): the delta counts from 0. */
  reset: boolean;
}

export type WatchedDestination = Destination & { delta?: StatsDelta };
/** A service of a sample; `delta` is absent on the first sample and for objects new in this one. */
export type WatchedService = SnapshotService & { delta?: StatsDelta; destinations: WatchedDestination[] };

export interface WatchSample {
  /** When the snapshot was taken (Date.now()). */
  time: number;
  /** Seconds since the previous sample; 0 for the first. */
  interval: number;
  services: WatchedService[];
  /** What changed since the previous sample, as apply() reports changes; empty for the first. */
  changes: TableChange[];
}

type Snap = () => Promise<Buffer>; // snapshot records

const COUNTERS = ['connections', 'inPackets', 'outPackets', 'inBytes', 'outBytes'] as const;
const RATES = ['cps', 'inPps', 'outPps', 'inBps', 'outBps'] as const;

function delta(now: Stats, before: Stats, seconds: number): StatsDelta {
  const reset = COUNTERS.some((k) => now[k] < before[k]);
  const d = {} as StatsDelta;
  for (let i = 0; i < COUNTERS.length; i++) {
    const k = COUNTERS[i]!;
    const v = reset ? now[k] : now[k] - before[k];
    d[k] = v;
    d[RATES[i]!] = seconds > 0 ? Number(v) / seconds : 0;
  }
  d.reset = reset;
  return d;
}

export function checkWatchOptions(v: unknown): number {
  if (v === undefined) return 2000;
  const o = object('options', v);
  knownKeys('options', o, new Set(['interval']));
  return optionalInteger('options.interval', o.interval, 100, 86400000, 2000);
}

/** One iterator's unread samples, and its wait for the next one. */
interface Reader {
  queue: WatchSample[];
  waiter?: { resolve: (r: IteratorResult<WatchSample>) => void; reject: (e: unknown) => void };
}

/**
 * Emits 'sample' (WatchSample), 'change' (each TableChange) and 'error', and
 * is an async iterator of samples. While an iterator has a sample it has not
 * read yet, the next snapshot waits (nothing is dropped: the next sample's
 * deltas and changes span the longer interval). close() stops the timer;
 * iterators then end. A failed snapshot ends the watch: iterators throw it,
 * and 'error' is emitted (as EventEmitters do, it throws when nothing takes it).
 */
export class Watch extends EventEmitter implements AsyncIterable<WatchSample> {
  readonly #snapshot: Snap;
  readonly #interval: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #previous: { time: number; index: TableIndex; stats: Map<string, Stats> } | undefined;
  readonly #readers = new Set<Reader>();
  #failure: unknown;

  /** @internal Created by Ipvs.watch(). */
  constructor(snapshot: Snap, interval: number) {
    super();
    this.#snapshot = snapshot;
    this.#interval = interval;
    this.#timer = setTimeout(() => void this.#tick(), 0);
  }

  /** True once close() was called (or the last iterator left). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Stops the timer; a snapshot under way is dropped; iterators end. Idempotent.
   * @example
   * const watch = ipvs.watch({ interval: 1000 });
   * setTimeout(() => watch.close(), 10_000); // ends for-await loops and stops the timer
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const r of this.#readers) {
      r.waiter?.resolve({ value: undefined, done: true });
      r.waiter = undefined;
    }
    this.emit('close');
  }

  async #tick(): Promise<void> {
    if ([...this.#readers].some((r) => r.queue.length > 0)) {
      // An iterator has not read the last sample yet: wait for it.
      this.#timer = setTimeout(() => void this.#tick(), this.#interval);
      return;
    }
    let sample: WatchSample;
    try {
      const time = Date.now();
      const records = await this.#snapshot();
      if (this.#closed) return;
      const services = await readSnapshot(records);
      sample = await this.#sample(time, services, await indexRecords(records, services));
    } catch (e) {
      if (this.#closed) return;
      this.#fail(e);
      return;
    }
    if (this.#closed) return; // closed while the sample was being made: dropped
    this.#publish(sample);
    if (!this.#closed) this.#timer = setTimeout(() => void this.#tick(), this.#interval);
  }

  /**
   * A failed snapshot ends the watch. Iterators throw it; 'error' is emitted
   * as EventEmitters do (without a listener, and with no iterator to take it,
   * that throws: an error is never dropped).
   */
  #fail(e: unknown): void {
    this.#failure = e;
    let taken = false;
    for (const r of this.#readers) {
      if (r.waiter) {
        r.waiter.reject(e);
        r.waiter = undefined;
      }
      taken = true;
    }
    this.close();
    if (!taken || this.listenerCount('error') > 0) this.emit('error', e);
  }
  async #sample(time: number, services: SnapshotService[], index: TableIndex): Promise<WatchSample> {
    const prev = this.#previous;
    const seconds = prev ? (time - prev.time) / 1000 : 0;
    const stats = new Map<string, Stats>();
    for (const [sid, side] of index) {
      const svc = side.source as WatchedService;
      stats.set(sid, svc.stats);
      const before = prev?.stats.get(sid);
      if (before) svc.delta = delta(svc.stats, before, seconds);
      for (const d of svc.destinations) {
        const id = `${sid}\n${destinationId({ address: d.address, port: d.port })}`;
        stats.set(id, d.stats);
        const b = prev?.stats.get(id);
        if (b) d.delta = delta(d.stats, b, seconds);
      }
    }
    const changes: TableChange[] = prev ? await plan(prev.index, asDesired(index), true) : [];
    this.#previous = { time, index, stats };
    return { time, interval: seconds, services: services as WatchedService[], changes };
  }

  #publish(sample: WatchSample): void {
    this.emit('sample', sample);
    for (const c of sample.changes) this.emit('change', c);
    // Every iterator gets every sample.
    for (const r of this.#readers) {
      if (r.waiter) {
        r.waiter.resolve({ value: sample, done: false });
        r.waiter = undefined;
      } else {
        r.queue.push(sample);
      }
    }
  }

  /**
   * The samples from now on; several iterators each get all of them (one
   * that stops reading holds the others back: nothing is dropped). Leaving
   * the last one (break, return, throw) ends the watch.
   * @example
   * for await (const sample of ipvs.watch({ interval: 2000 })) {
   *   for (const s of sample.services) console.log(s.delta?.connections, s.delta?.cps);
   * }
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<WatchSample, void, undefined> {
    const reader: Reader = { queue: [] };
    this.#readers.add(reader);
    try {
      for (;;) {
        const next = reader.queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.#failure) throw this.#failure;
        if (this.#closed) return;
        const r = await new Promise<IteratorResult<WatchSample>>((resolve, reject) => (reader.waiter = { resolve, reject }));
        if (r.done) return;
        yield r.value;
      }
    } finally {
      this.#readers.delete(reader);
      if (this.#readers.size === 0) this.close();
    }
  }
}
