/**
 * Where a command's output goes: stdout and stderr text, kept in order, and
 * the exit() of a C program as an exception carrying its status.
 * @module
 */

/** exit(status): unwinds to the command's entry point. */
export class Exit {
  constructor(readonly status: number) {}
}

export interface Output {
  /** stdout (listings). */
  write(text: string): void;
  /** stderr (messages). */
  err(text: string): void;
}

/** Output collected into strings (tests, and bin.ts before writing it out). */
export class BufferedOutput implements Output {
  private readonly outParts: string[] = [];
  private readonly errParts: string[] = [];
  write(text: string): void {
    this.outParts.push(text);
  }
  err(text: string): void {
    this.errParts.push(text);
  }
  get stdout(): string {
    return this.outParts.join('');
  }
  get stderr(): string {
    return this.errParts.join('');
  }
}
