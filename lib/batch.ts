/**
 * Batched writes: operations queued on a Batch are validated at once (bad
 * input throws before anything is sent), then sent together: many netlink
 * messages per datagram, an ACK only for the last of each window, so the
 * kernel's answers are one datagram per window plus one per failure.
 * @module
 */
import { describeRawDestination, describeRawService } from './describe';
import { IpvsError, toIpvsError, type ErrorTarget } from './errors';
import { BATCH_OP, type BatchOpName, type BatchWireOptions, type NativeError, type RawBatchOp } from './native';
import { OpWriter } from './records';
import { Turns } from './turns';
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

function targetOf(op: RawBatchOp): ErrorTarget {
  const service = describeRawService(op[1]);
  return op.length === 3 ? { service, destination: describeRawDestination(op[2], op[1].family) } : { service };
}

/** Results are many and mostly read for their errors: the text target is made on demand. */
class Result implements BatchResult {
  readonly #op: RawBatchOp;
  error?: IpvsError;
  constructor(readonly index: number, readonly operation: BatchOperation, op: RawBatchOp) {
    this.#op = op;
  }
  get target(): ErrorTarget {
    return targetOf(this.#op);
  }
}

/** How run() puts the batch on the wire; the defaults are the fastest measured (bench/). */
export interface BatchRunOptions {
  /** Requests per datagram (1..65536), each window answered before the next is sent. Default 1024. */
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
export type BatchSender = (records: Buffer, wire: BatchWireOptions) => Promise<Array<[number, NativeError]>>;

export class Batch {
  readonly #send: BatchSender;
  #ops: RawBatchOp[] = [];
  #operations: BatchOperation[] = [];
  #running = false;

  /** @internal Created by Ipvs.batch(). */
  constructor(send: BatchSender) {
    this.#send = send;
  }

  /** Operations queued and not yet run. */
  get size(): number {
    return this.#ops.length;
  }

  addService(spec: ServiceSpec): this {
    const s = checkServiceSpec(spec);
    return this.#push('addService', [BATCH_OP.addService, s.raw]);
  }

  /** Replaces a service's settings (defaults for what is not given), as Ipvs.updateService. */
  updateService(spec: ServiceSpec): this {
    const s = checkServiceSpec(spec);
    return this.#push('updateService', [BATCH_OP.updateService, s.raw]);
  }

  deleteService(key: ServiceKey): this {
    const k = checkServiceKey(key);
    return this.#push('deleteService', [BATCH_OP.deleteService, k.raw]);
  }

  addDestination(key: ServiceKey, dest: DestinationSpec): this {
    const k = checkServiceKey(key);
    const d = checkDestinationSpec(dest, k.family);
    return this.#push('addDestination', [BATCH_OP.addDestination, k.raw, d.raw]);
  }

  /** Replaces a destination's settings, as Ipvs.updateDestination. */
  updateDestination(key: ServiceKey, dest: DestinationSpec): this {
    const k = checkServiceKey(key);
    const d = checkDestinationSpec(dest, k.family);
    return this.#push('updateDestination', [BATCH_OP.updateDestination, k.raw, d.raw]);
  }

  deleteDestination(key: ServiceKey, dest: DestinationKey): this {
    const k = checkServiceKey(key);
    const d = checkDestinationKey(dest);
    return this.#push('deleteDestination', [BATCH_OP.deleteDestination, k.raw, d.raw]);
  }

  /** @internal An operation already validated (apply() plans in raw form). */
  push(operation: BatchOperation, op: RawBatchOp): this {
    return this.#push(operation, op);
  }

  /**
   * Sends every queued operation, in order, and empties the batch. Resolves
   * with each operation's result when all succeeded; rejects with an
   * IpvsBatchError (code 'ERR_IPVS_BATCH') listing every result otherwise.
   * A failure of the socket itself ends the batch: the operations it left
   * unanswered carry that error (their outcome is unknown), the ones after
   * them 'ERR_IPVS_NOT_SENT'.
   */
  async run(options: BatchRunOptions = {}): Promise<BatchResult[]> {
    const results = await this.settle(options);
    const failures = results.filter((r) => r.error);
    if (failures.length) throw new IpvsBatchError(results, failures);
    return results;
  }

  /** @internal Like run(), but resolves with the results whatever happened. */
  async settle(options: BatchRunOptions = {}): Promise<BatchResult[]> {
    const wire = checkRunOptions(options);
    if (this.#running) throw new IpvsError({ message: 'batch: already running', code: 'ERR_IPVS_BATCH_RUNNING', operation: 'batch' });
    this.#running = true;
    const ops = this.#ops;
    const operations = this.#operations;
    this.#ops = [];
    this.#operations = [];
    try {
      if (ops.length === 0) return [];
      const writer = new OpWriter();
      const turns = new Turns();
      for (const op of ops) {
        if (op.length === 3) writer.destination(op[0], op[1], op[2]);
        else writer.service(op[0], op[1]);
        const turn = turns.maybe();
        if (turn) await turn;
      }
      const failed = await this.#send(writer.finish(), wire);
      const results: BatchResult[] = operations.map((operation, index) => new Result(index, operation, ops[index]!));
      for (const [i, e] of failed) results[i]!.error = toIpvsError(e, operations[i]!, targetOf(ops[i]!));
      return results;
    } finally {
      this.#running = false;
    }
  }

  #push(operation: BatchOperation, op: RawBatchOp): this {
    if (this.#running) throw new IpvsError({ message: 'batch: cannot queue while it runs', code: 'ERR_IPVS_BATCH_RUNNING', operation });
    this.#ops.push(op);
    this.#operations.push(operation);
    return this;
  }
}

function checkRunOptions(o: BatchRunOptions): BatchWireOptions {
  const opts = object('options', o);
  knownKeys('options', opts, new Set(['window', 'ackEach']));
  return { window: optionalInteger('options.window', opts.window, 1, 65536, 1024), ackEach: boolean('options.ackEach', opts.ackEach) };
}
