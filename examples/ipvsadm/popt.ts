/**
 * Command-line scanning as libpopt 1.19 does it for ipvsadm's option table,
 * so that every argument vector is taken apart the same way: clustered short
 * options (-Ln), attached arguments (-t10.0.0.1:80, -p600, -t=x), --long=arg,
 * an optional argument taken from the next word unless it starts with '-',
 * words that are not options kept as leftovers wherever they stand, and "--"
 * ending the options.
 * @module
 */

export type ArgKind = 'none' | 'string' | 'optional';

export interface OptionSpec {
  long?: string;
  short?: string;
  arg: ArgKind;
  /** What next() returns for it. */
  tag: string;
}

/** popt's error codes (poptStrerror gives the text). */
export const POPT_ERROR = { NOARG: -10, BADOPT: -11, UNWANTEDARG: -12 } as const;

export function poptStrerror(code: number): string {
  switch (code) {
    case POPT_ERROR.NOARG:
      return 'missing argument';
    case POPT_ERROR.BADOPT:
      return 'unknown option';
    case POPT_ERROR.UNWANTEDARG:
      return 'option does not take an argument';
    default:
      return 'unknown error';
  }
}

export interface Found {
  tag: string;
  /** The option's argument; null for none (or an optional one not given). */
  arg: string | null;
}

interface Index {
  long: Map<string, OptionSpec>;
  short: Map<string, OptionSpec>;
}

// Option tables are few and long-lived; a restore scans one per line.
const indexes = new WeakMap<readonly OptionSpec[], Index>();

function indexOf(table: readonly OptionSpec[]): Index {
  let index = indexes.get(table);
  if (!index) {
    index = { long: new Map(), short: new Map() };
    // The first entry of a name wins, as popt's search does.
    for (const o of table) {
      if (o.long !== undefined && !index.long.has(o.long)) index.long.set(o.long, o);
      if (o.short !== undefined && !index.short.has(o.short)) index.short.set(o.short, o);
    }
    indexes.set(table, index);
  }
  return index;
}

export class Popt {
  private next = 1;
  /** Rest of a short-option cluster still to read ("n" of "-Ln"). */
  private cluster: string | null = null;
  private restLeftover = false;
  private readonly leftovers: string[] = [];
  private nextLeftover = 0;

  private readonly index: Index;

  constructor(
    private readonly argv: readonly string[],
    table: readonly OptionSpec[],
  ) {
    this.index = indexOf(table);
  }

  /** The next option, or a negative number: -1 at the end, a POPT_ERROR otherwise. */
  nextOption(): Found | number {
    for (;;) {
      let opt: OptionSpec | undefined;
      let longArg: string | null = null;
      if (this.cluster === null) {
        if (this.next >= this.argv.length) return -1;
        const word = this.argv[this.next++]!;
        if (this.restLeftover || word[0] !== '-' || word === '-') {
          this.leftovers.push(word);
          continue;
        }
        if (word === '--') {
          this.restLeftover = true;
          continue;
        }
        const oneDash = word[1] !== '-';
        let name = word.slice(oneDash ? 1 : 2);
        const eq = name.indexOf('=');
        if (eq >= 0) {
          longArg = name.slice(eq + 1);
          name = name.slice(0, eq);
        }
        // A single dash never names a long option of ipvsadm's table (none is ONEDASH).
        opt = oneDash ? undefined : this.index.long.get(name);
        if (!opt && !oneDash) return POPT_ERROR.BADOPT;
        if (!opt) {
          this.cluster = word.slice(1);
          longArg = null;
        }
      }
      if (this.cluster !== null) {
        const c = this.cluster;
        this.cluster = null;
        opt = this.index.short.get(c[0]!);
        if (!opt) return POPT_ERROR.BADOPT;
        if (c.length > 1) this.cluster = c.slice(1);
      }
      const o = opt!;
      if (o.arg === 'none') {
        if (longArg !== null || (this.cluster !== null && this.cluster[0] === '=')) return POPT_ERROR.UNWANTEDARG;
        return { tag: o.tag, arg: null };
      }
      let arg: string | null;
      if (longArg !== null) {
        arg = longArg;
      } else if (this.cluster !== null) {
        arg = this.cluster[0] === '=' ? this.cluster.slice(1) : this.cluster;
        this.cluster = null;
      } else if (this.next >= this.argv.length) {
        if (o.arg !== 'optional') return POPT_ERROR.NOARG;
        arg = null;
      } else if (o.arg === 'optional' && this.argv[this.next]![0] === '-') {
        arg = null;
      } else {
        arg = this.argv[this.next++]!;
      }
      return { tag: o.tag, arg };
    }
  }

  /** The word being read when an error came (poptBadOption). */
  badOption(): string {
    return this.argv[this.next - 1] ?? '';
  }

  /** The next leftover word (poptGetArg). */
  getArg(): string | undefined {
    return this.leftovers[this.nextLeftover++];
  }
}
