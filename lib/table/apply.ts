/**
 * apply(): plan against a fresh snapshot, run the plan as one batch, and on
 * any failure undo what was done, so the table ends as it started.
 * @module
 */
import type { Batch } from '../batch';
import type { IpvsError } from '../errors';
import { invalidType } from '../errors';
import { Turns } from '../turns';
import { boolean, knownKeys, object } from '../validate/primitives';
import type { RawDestination, RawService, RawServiceKey } from '../native';
import { BATCH_OP } from '../native';
import { checkDesired, indexRecords, plan, undo, type PlannedChange, type RawStep, type TableChange } from './plan';

export interface ApplyOptions {
  /** Compute and return the plan; change nothing. */
  dryRun?: boolean;
  /** Also delete the services (with their destinations) that `desired` does not list. */
  prune?: boolean;
}

/** A change that failed, with the kernel's error. */
export interface FailedChange {
  change: TableChange;
  error: IpvsError;
}

/**
 * Rejection of apply() when a change failed: what failed, and how the undo
 * went. `rollback.complete` is true when every change made was undone.
 */
export class IpvsApplyError extends Error {
  override name = 'IpvsApplyError';
  readonly code = 'ERR_IPVS_APPLY';
  /**
   * The changes that did not go through, each with its error: refused by the
   * kernel, lost with the socket (outcome unknown: undone too, in case), or
   * 'ERR_IPVS_NOT_SENT'.
   */
  readonly failures: FailedChange[];
  /**
   * The undo: the changes made (or perhaps made) and reverted, and the undo
   * steps that failed. `complete` is true when the table is as it was.
   */
  readonly rollback: { complete: boolean; undone: TableChange[]; failures: FailedChange[] };

  constructor(failures: FailedChange[], rollback: IpvsApplyError['rollback'], cause?: unknown) {
    const refused = failures.filter((f) => f.error.code !== 'ERR_IPVS_NOT_SENT');
    const f = refused[0] ?? failures[0]!;
    super(
      `apply: ${refused.length} change(s) failed` +
        (refused.length < failures.length ? ` and ${failures.length - refused.length} were not sent` : '') +
        `, the first: ${f.error.message}; ` +
        (rollback.complete ? `rolled back (${rollback.undone.length} change(s) undone)` : `rollback incomplete: ${rollback.failures.length || 'the'} undo step(s) failed`),
      cause === undefined ? undefined : { cause },
    );
    this.failures = failures;
    this.rollback = rollback;
  }
}

export interface ApplyDeps {
  /** The kernel's table as snapshot records. */
  records(): Promise<Buffer>;
  batch(): Batch;
}

export function checkApplyOptions(v: unknown): Required<ApplyOptions> {
  if (v === undefined) return { dryRun: false, prune: false };
  const o = object('options', v);
  knownKeys('options', o, new Set(['dryRun', 'prune']));
  return { dryRun: boolean('options.dryRun', o.dryRun), prune: boolean('options.prune', o.prune) };
}

export async function applyTable(deps: ApplyDeps, desired: unknown, options: unknown): Promise<TableChange[]> {
  const opts = checkApplyOptions(options);
  if (desired === undefined) throw invalidType('desired', 'an array of services', desired);
  const want = await checkDesired(desired); // argument errors before anything is read or sent
  const have = await indexRecords(await deps.records());
  const steps = await plan(have, want, opts.prune);
  if (opts.dryRun || steps.length === 0) return steps;

  const failed = await send(deps.batch(), steps, (s) => [s.kind, s.rawService, s.rawDestination]);
  if (failed.length === 0) return steps;
  throw await rollBack(deps, steps, failed);
}

/**
 * Undoes what a plan did, newest first. Changes the kernel refused and
 * changes never sent need no undo; a change whose answer was lost with the
 * socket may have been made and is undone too (its undo may find nothing to
 * undo: that is no failure). Destinations added to a service whose add
 * failed (another process made it meanwhile) are removed from it.
 */
async function rollBack(deps: ApplyDeps, steps: PlannedChange[], failed: Array<[number, IpvsError]>): Promise<IpvsApplyError> {
  const failures = failed.map(([i, error]) => ({ change: steps[i]! as TableChange, error }));
  const errorAt = new Map(failed);
  const refusedServices = new Set<unknown>();
  for (const [i, e] of failed) if (steps[i]!.kind === BATCH_OP.addService && e.syscall === 'netlink') refusedServices.add(steps[i]!.rawService);
  const maybe = (e: IpvsError | undefined) => e !== undefined && e.syscall !== 'netlink' && e.code !== 'ERR_IPVS_NOT_SENT';
  const done: PlannedChange[] = [];
  const reverts: Array<{ step: RawStep; of: PlannedChange; tolerant: boolean }> = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const error = errorAt.get(i);
    const tolerant = maybe(error);
    if (error && !tolerant) continue;
    const of = steps[i]!;
    done.push(of);
    let list = undo(of);
    if (list.length === 0 && of.kind === BATCH_OP.addDestination && refusedServices.has(of.rawService)) {
      list = [{ kind: BATCH_OP.deleteDestination, service: of.rawService, destination: of.rawDestination }];
    }
    for (const step of list) reverts.push({ step, of, tolerant });
  }
  let undoFailed: Array<[number, IpvsError]> = [];
  try {
    if (reverts.length) undoFailed = await send(deps.batch(), reverts, (r) => [r.step.kind, r.step.service, r.step.destination]);
  } catch (e) {
    // The undo itself could not be sent (the handle closed meanwhile...): say what is left.
    return new IpvsApplyError(failures, { complete: false, undone: [], failures: [] }, e);
  }
  // Undoing a change that was never made finds nothing: ESRCH/ENOENT there are no failures.
  const undoFailures = undoFailed
    .filter(([i, e]) => !(reverts[i]!.tolerant && (e.code === 'ESRCH' || e.code === 'ENOENT')))
    .map(([i, error]) => ({ change: reverts[i]!.of as TableChange, error }));
  return new IpvsApplyError(failures, { complete: undoFailures.length === 0, undone: done, failures: undoFailures });
}

/** Queues each step (as `op` reads it) on the batch and sends it; resolves the failures. */
async function send<T>(batch: Batch, steps: T[], op: (s: T) => [number, RawServiceKey | RawService, RawDestination | undefined]): Promise<Array<[number, IpvsError]>> {
  const turns = new Turns();
  for (const s of steps) {
    const [kind, service, destination] = op(s);
    batch.push(kind, service, destination);
    const turn = turns.maybe();
    if (turn) await turn;
  }
  return batch.failures();
}
