/**
 * `npm run scenario -- <name>`: runs one scenario in the test kernel (or a
 * fresh namespace of an IPVS host), prints what happened and exits 0 when
 * the behaviour was observed, 1 when it was not, 2 for an unknown name.
 * @module
 */
import { dr } from './dr';
import { fwmark } from './fwmark';
import type { Outcome, Print } from './lab';
import { nat } from './nat';
import { persistence } from './persistence';
import { schedulers } from './schedulers';
import { tun } from './tun';

export const SCENARIOS: Record<string, (print: Print) => Promise<Outcome<unknown>>> = { nat, dr, tun, fwmark, persistence, schedulers };

async function main(name: string | undefined): Promise<number> {
  const scenario = name === undefined ? undefined : SCENARIOS[name];
  if (!scenario) {
    console.error(`usage: npm run scenario -- <${Object.keys(SCENARIOS).join('|')}>`);
    return 2;
  }
  const { failures } = await scenario((line) => console.log(line));
  console.log(failures.length ? `\n${name}: NOT observed (${failures.length} of the checks above failed)` : `\n${name}: observed as described`);
  return failures.length ? 1 : 0;
}

main(process.argv[2]).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exitCode = 1;
  },
);
