/**
 * Batched writes: operations queued on a Batch are validated at once (bad
 * input throws before anything is sent), then sent together: many netlink
 * messages per datagram, an ACK only for the last of each window, so the
 * kernel's answers are one datagram per window plus one per failure.
 * @module
 */
import { describeRawDestination, describeRawService } from './describe';
import { IpvsError, toIpvsError, type ErrorTarget } from './errors';
import { BATCH_OP, type BatchOpName, type BatchWireOptions, type NativeError, type RawDestination, type RawService, type RawServiceKey } from './native';
import { OpWriter } from './records';
import type { DestinationKey, DestinationSpec, ServiceKey, ServiceSpec } from './types';
import { checkDestinationKey, checkDestinationSpec } from './validate/destination';
import { boolean, knownKeys, object, optionalInteger } from './validate/primitives';
import { checkServiceKey, checkServiceSpec } from './validate/service';

export type BatchOperation = BatchOpName;

/** One queued operation's outcome, in queue order. */
export interface BatchResult {
  readonly index: number;
  readonly operation: BatchOperation;
  /** The service and destination, as text ('TCP 10.1.0.1:80'). */
  readonly target: ErrorTarget;
  /** Absent when the kernel applied it. */
  error?: IpvsError;
}

function targetOf(service: RawServiceKey, destination: RawDestination | undefined): ErrorTarget {
  const label = describeRawService(service);
  return destination ? { service: label, destination: describeRawDestination(destination, service.family) } : { service: label };
}

/** Results are many and mostly read for their errors: the text target is made on demand, from the record. */
class Result implements BatchResult {
  readonly #records: OpWriter;
  error?: IpvsError;
  constructor(readonly index: number, readonly operation: BatchOperation, records: OpWriter) {
    this.#records = records;
  }
  get target(): ErrorTarget {
    const op = this.#records.opAt(this.index);
    return targetOf(op.service, op.destination);
  }
}

const OPERATIONS = Object.keys(BATCH_OP) as BatchOperation[]; // by kind

/** How run() puts the batch on the wire; the defaults are the fastest measured (bench/). */
export interface BatchRunOptions {
  /** Requests per datagram (1..4096), each window answered before the next is sent. Default 1024. */
  window?: number;
  /** An ACK for every request instead of only the window's last. Default false. */
  ackEach?: boolean;
}

/**
 * Rejection of run() when any operation failed: every result, the failures
 * among them. The kernel goes on after a failed request, so the others were
 * applied (or failed on their own); use apply() for all-or-nothing changes.
 */
export class IpvsBatchError extends Error {
  override name = 'IpvsBatchError';
  readonly code = 'ERR_IPVS_BATCH';
  readonly results: BatchResult[];
  readonly failures: BatchResult[];

  constructor(results: BatchResult[], failures: BatchResult[]) {
    const first = failures[0]!;
    super(`batch: ${failures.length} of ${results.length} operations failed; the first: #${first.index} ${first.error!.message}`);
    this.results = results;
    this.failures = failures;
  }
}

/** Sends a batch's operation records on a handle; resolves [index, error] for each failure. */
export type BatchSender = (records: Buffer[], wire: BatchWireOptions) => Promise<Array<[number, NativeError]>>;

/**
 * Operations queued in memory (checked as they are queued) and sent to the
 * kernel together by run(): many requests per datagram, one result each.
 * Made by Ipvs.batch().
 */
export class Batch {
  readonly #sender: BatchSender;
  // Each operation is written as a record when queued; nothing else is kept.
  #writer = new OpWriter();

  /** @internal Created by Ipvs.batch(). */
  constructor(send: BatchSender) {
    this.#sender = send;
  }

  /** Operations queued and not yet run. */
  get size(): number {
    return this.#writer.count;
  }

  /**
   * Queues an addService() (checked now: bad input throws here, before anything is sent).
   * @example
   * const web = { protocol: 'tcp', address: '10.1.0.1', port: 80 } as const;
   * await ipvs.batch().addService({ ...web, scheduler: 'rr' }).addDestination(web, { address: '10.2.0.1', port: 8080 }).run();
   */
  addService(spec: ServiceSpec): this {
    const s = checkServiceSpec(spec);
    return this.#push(BATCH_OP.addService, s.raw);
  }

  /**
   * Replaces a service's settings (defaults for what is not given), as Ipvs.updateService.
   * @example
   * await ipvs.batch().updateService({ protocol: 'tcp', address: '10.1.0.1', port: 80, scheduler: 'wrr' }).run();
   */
  updateService(spec: ServiceSpec): this {
    const s = checkServiceSpec(spec);
    return this.#push(BATCH_OP.updateService, s.raw);
  }

  /**
   * Queues a deleteService().
   * @example
   * await ipvs.batch().deleteService({ protocol: 'tcp', address: '10.1.0.1', port: 80 }).run();
   */
  deleteService(key: ServiceKey): this {
    const k = checkServiceKey(key);
    return this.#push(BATCH_OP.deleteService, k.raw);
  }

  /**
   * Queues an addDestination().
   * @example
   * const web = { protocol: 'tcp', address: '10.1.0.1', port: 80 } as const;
   * const b = ipvs.batch();
   * for (let i = 1; i <= 4; i++) b.addDestination(web, { address: `10.2.0.${i}`, port: 8080, forwarding: 'masq' });
   * await b.run();
   */
  addDestination(key: ServiceKey, dest: DestinationSpec): this {
    const k = checkServiceKey(key);
    const d = checkDestinationSpec(dest, k.family);
    return this.#push(BATCH_OP.addDestination, k.raw, d.raw);
  }

  /**
   * Replaces a destination's settings, as Ipvs.updateDestination.
   * @example
   * await ipvs.batch().updateDestination({ protocol: 'tcp', address: '10.1.0.1', port: 80 }, { address: '10.2.0.1', port: 8080, weight: 0 }).run();
   */
  updateDestination(key: ServiceKey, dest: DestinationSpec): this {
    const k = checkServiceKey(key);
    const d = checkDestinationSpec(dest, k.family);
    return this.#push(BATCH_OP.updateDestination, k.raw, d.raw);
  }

  /**
   * Queues a deleteDestination().
   * @example
   * await ipvs.batch().deleteDestination({ protocol: 'tcp', address: '10.1.0.1', port: 80 }, { address: '10.2.0.1', port: 8080 }).run();
   */
  deleteDestination(key: ServiceKey, dest: DestinationKey): this {
    const k = checkServiceKey(key);
    const d = checkDestinationKey(dest);
    return this.#push(BATCH_OP.deleteDestination, k.raw, d.raw);
  }

  /** @internal An operation already validated (apply() plans in raw form). */
  push(kind: number, service: RawServiceKey | RawService, destination?: RawDestination): this {
    return this.#push(kind, service, destination);
  }

  /**
   * Sends every queued operation, in order, and empties the batch (what is
   * queued meanwhile belongs to the next run). Resolves
   * with each operation's result when all succeeded; rejects with an
   * IpvsBatchError (code 'ERR_IPVS_BATCH') listing every result otherwise.
   * A failure of the socket itself ends the batch: the operations it left
   * unanswered carry that error (their outcome is unknown), the ones after
   * them 'ERR_IPVS_NOT_SENT'.
   * @example
   * try {
   *   await batch.run();
   * } catch (err) {
   *   if (!(err instanceof IpvsBatchError)) throw err;
   *   for (const f of err.failures) console.log(f.index, f.operation, f.error?.code);
   * }
   */
  async run(options: BatchRunOptions = {}): Promise<BatchResult[]> {
    const results = await this.settle(options);
    const failures = results.filter((r) => r.error);
    if (failures.length) throw new IpvsBatchError(results, failures);
    return results;
  }

  /** @internal Like run(), but resolves with the results whatever happened. */
  async settle(options: BatchRunOptions = {}): Promise<BatchResult[]> {
    const { failed, writer } = await this.#send(options);
    const results: BatchResult[] = [];
    for (let i = 0; i < writer.count; i++) results.push(new Result(i, OPERATIONS[writer.kindAt(i)]!, writer));
    for (const [i, e] of failed) results[i]!.error = e;
    return results;
  }

  /** @internal Sends; resolves only the failures, as [index, IpvsError] (apply() has no use for 50,000 results). */
  async failures(options: BatchRunOptions = {}): Promise<Array<[number, IpvsError]>> {
    return (await this.#send(options)).failed;
  }

  async #send(options: BatchRunOptions) {
    const wire = checkRunOptions(options);
    const writer = this.#writer;
    this.#writer = new OpWriter();
    if (writer.count === 0) return { failed: [], writer };
    const raw = await this.#sender(writer.finish(), wire);
    const failed = raw.map(([i, e]): [number, IpvsError] => {
      const op = writer.opAt(i);
      return [i, toIpvsError(e, OPERATIONS[op.kind]!, targetOf(op.service, op.destination), op.service)];
    });
    return { failed, writer };
  }

  #push(kind: number, service: RawServiceKey | RawService, destination?: RawDestination): this {
    if (destination) this.#writer.destination(kind, service, destination);
    else this.#writer.service(kind, service);
    return this;
  }
}

function checkRunOptions(o: BatchRunOptions): BatchWireOptions {
  const opts = object('options', o);
  knownKeys('options', opts, new Set(['window', 'ackEach']));
  return { window: optionalInteger('options.window', opts.window, 1, 4096, 1024), ackEach: boolean('options.ackEach', opts.ackEach) };
}
