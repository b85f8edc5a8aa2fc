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
  readonly #mask: number;

  /** `every`: how many items between two reads of the clock (a power of two; fewer for bigger items). */
  constructor(every = 64) {
    this.#mask = every - 1;
  }

  /**
   * Call once per item: a promise when the slice is used up, else undefined
   * (await it only then). The clock is read every `every` items: reading it
   * is a syscall on some systems.
   */
  maybe(): Promise<void> | undefined {
    if ((++this.#n & this.#mask) !== 0 || performance.now() - this.#since < SLICE_MS) return undefined;
    return this.now();
  }

  /** Gives the event loop a turn. */
  async now(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#since = performance.now();
  }
}
