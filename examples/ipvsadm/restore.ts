/**
 * -R: rules from stdin, as ipvsadm reads them (config_stream_read: words
 * split on blanks, the word "ipvsadm" dropped, one command per line), run in
 * order with ipvsadm's outcome per line: a kernel error prints its message
 * and the next line runs; a refused line exits at once. The changes of
 * consecutive lines go to the kernel as one batch (a few datagrams instead
 * of a request per line); anything else (listings, daemons, a line with a
 * message) first sends what is queued, so output keeps its order.
 * @module
 */
import type { Batch } from '../../lib/index';
import type { Command } from './command';
import { CMD } from './options';
import { errnoOf, type Session } from './session';
import { callOf, destinationSpec, serviceKey, serviceSpec } from './to-api';
import { ipvsStrerror, type Call } from './messages';
import { BufferedOutput, Exit } from './output';

const isBlank = (c: number) => c === 32 || c === 9 || c === 13; // ' ', tab, CR

/** The words of text[start, end) (blank-separated), the word "ipvsadm" left out, after `program`. */
function words(text: string, start: number, end: number, program: string): string[] {
  const a = [program];
  let i = start;
  for (;;) {
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i >= end) return a;
    const from = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    const w = text.slice(from, i);
    if (w !== 'ipvsadm') a.push(w);
  }
}

/**
 * The argument vectors of stdin's lines (program name first), one at a time
 * (a large restore keeps no array of all its lines). A last line that ends
 * in blanks without a newline is dropped, as config_stream_read()'s fscanf()
 * loop leaves it.
 */
export function* restoreLines(text: string, program: string): Generator<string[]> {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    yield words(text, start, nl, program);
    start = nl + 1;
  }
  if (start < text.length && !isBlank(text.charCodeAt(text.length - 1))) {
    const a = words(text, start, text.length, program);
    if (a.length > 1) yield a;
  }
}

/** The changes a batch can carry. */
const BATCHED = new Set<number>([CMD.ADD, CMD.EDIT, CMD.DEL, CMD.ADDDEST, CMD.EDITDEST, CMD.DELDEST]);

export class Restorer {
  private batch: Batch;
  private calls: Call[] = [];

  constructor(private readonly session: Session) {
    this.batch = session.ipvs.batch();
  }

  /** restore_table(): the result of the last line, 0 or -1. */
  async run(lines: Iterable<string[]>): Promise<number> {
    let result = 0;
    try {
      for (const argv of lines) {
        if (argv.length <= 1) continue;
        const said = new BufferedOutput();
        let parsed;
        try {
          parsed = await this.session.parser(said).parse(argv);
        } catch (e) {
          // A refused line (or -h, -v): what came before it is done first.
          if (e instanceof Exit) await this.flush();
          this.replay(said);
          throw e;
        }
        if ('poptError' in parsed) {
          await this.flush();
          this.replay(said);
          result = -1;
          continue;
        }
        const c = parsed.command;
        if (BATCHED.has(c.cmd) && !(c.dest.lower > c.dest.upper)) {
          // The line's result is known once the batch has run (flush).
          this.queue(c);
          continue;
        }
        result = (await this.flush()) ?? result;
        result = await this.session.execute(c, true);
      }
      const last = await this.flush();
      return last ?? result;
    } finally {
      this.calls = [];
    }
  }

  private replay(said: BufferedOutput): void {
    const { out } = this.session.io;
    if (said.stdout) out.write(said.stdout);
    if (said.stderr) out.err(said.stderr);
  }

  private queue(c: Command): void {
    const b = this.batch;
    switch (c.cmd) {
      case CMD.ADD:
        b.addService(serviceSpec(c.svc));
        break;
      case CMD.EDIT:
        b.updateService(serviceSpec(c.svc));
        break;
      case CMD.DEL:
        b.deleteService(serviceKey(c.svc));
        break;
      case CMD.ADDDEST:
        b.addDestination(serviceKey(c.svc), destinationSpec(c.dest));
        break;
      case CMD.EDITDEST:
        b.updateDestination(serviceKey(c.svc), destinationSpec(c.dest));
        break;
      case CMD.DELDEST:
        b.deleteDestination(serviceKey(c.svc), { address: c.dest.addr, port: c.dest.port });
        break;
    }
    this.calls.push(callOf(c));
  }

  /** Sends what is queued and prints its failures in order; the last queued line's result, or undefined if none. */
  private async flush(): Promise<number | undefined> {
    const calls = this.calls;
    if (calls.length === 0) return undefined;
    this.calls = [];
    const batch = this.batch;
    this.batch = this.session.ipvs.batch();
    let failures: Array<{ index: number; error?: unknown }> = [];
    try {
      await batch.run();
    } catch (e) {
      if (!(e && typeof e === 'object' && 'failures' in e)) throw e;
      failures = (e as { failures: Array<{ index: number; error?: unknown }> }).failures;
    }
    for (const f of failures) {
      const errno = errnoOf(f.error);
      this.session.io.out.err(`${errno === undefined ? (f.error as Error).message : ipvsStrerror(calls[f.index]!, errno)}\n`);
    }
    return failures.length && failures[failures.length - 1]!.index === calls.length - 1 ? -1 : 0;
  }
}
