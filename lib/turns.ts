/**
 * Long loops on the main thread (decoding a snapshot, validating a desired
 * table, encoding a batch) give the event loop a turn every few
 * milliseconds, so other work never waits long behind them.
 * @module
 */

/** Longest stretch of work between two turns of the event loop, ms. */
export const SLICE_MS = 4;

export class Turns {
  #since = performance.now();
  #n = 0;

  /** Call once per item; resolves at once unless the slice is used up (checked every 32 items). */
  maybe(): Promise<void> | undefined {
    if ((++this.#n & 31) !== 0 || performance.now() - this.#since < SLICE_MS) return undefined;
    return this.now();
  }

  /** Gives the event loop a turn. */
  async now(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#since = performance.now();
  }
}
