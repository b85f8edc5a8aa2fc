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
import { checkDesired, indexRecords, plan, undo, type TableChange } from './plan';

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
  readonly failures: FailedChange[];
  /** The changes that had been made and were undone (or failed to be). */
  readonly rollback: { complete: boolean; undone: TableChange[]; failures: FailedChange[] };

  constructor(failures: FailedChange[], rollback: IpvsApplyError['rollback']) {
    const f = failures[0]!;
    super(
      `apply: ${failures.length} change(s) failed, the first: ${f.error.message}; ` +
        (rollback.complete ? `rolled back (${rollback.undone.length} change(s) undone)` : `rollback incomplete: ${rollback.failures.length} undo step(s) failed`),
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
  const failures = failed.map(([i, error]) => ({ change: steps[i]! as TableChange, error }));

  // Undo what was done, newest first.
  const failedAt = new Set(failed.map(([i]) => i));
  const done = steps.filter((_, i) => !failedAt.has(i)).reverse();
  const reverts = done.flatMap((of) => undo(of).map((step) => ({ step, of })));
  const undoFailed = reverts.length ? await send(deps.batch(), reverts, (r) => [r.step.kind, r.step.service, r.step.destination]) : [];
  const undoFailures = undoFailed.map(([i, error]) => ({ change: reverts[i]!.of as TableChange, error }));
  throw new IpvsApplyError(failures, { complete: undoFailures.length === 0, undone: done, failures: undoFailures });
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
