// ipvsadm-js against ipvsadm (issue 6): restoring 10,000 TCP services x 4
// masq destinations with -R, then listing them (-Sn, -Ln), each command run
// as a process the way operators run it, in one boot of the test kernel.
// Prints medians and ratios; the tests assert behaviour, not these.
//
//   npm run bench:cli     (after npm run build; boots the test kernel)
//   node test/harness/run.mjs exec -- node node_modules/tsx/dist/cli.mjs bench/cli.ts [services] [destinations] [runs]
//
// Every restore runs in a fresh network namespace (bench/namespaces.ts).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dropNamespace, freshNamespace, median, sh, timed } from './namespaces';
import { ipvsadmRules } from './table';

const [servicesArg, destinationsArg, runsArg] = process.argv.slice(2);
const N = Number(servicesArg ?? 10000);
const D = Number(destinationsArg ?? 4);
const RUNS = Number(runsArg ?? 3);
const RULES = '/tmp/ipvs-bench-cli-rules';
const JS = `${process.execPath} ${resolve(__dirname, '../dist/examples/ipvsadm/bin.js')}`;

const warm = (ns: string) => sh('ip', 'netns', 'exec', ns, 'sh', '-c', 'ipvsadm -A -t 10.0.0.1:1 && ipvsadm -C');
/** `command` run by sh in namespace `ns`, seconds. */
const inNs = (ns: string, command: string) => timed('ip', 'netns', 'exec', ns, 'sh', '-c', command);
const show = (what: string, seconds: number, note = '') => console.log(`  ${what}: ${seconds.toFixed(3)} s ${note}`);

(async () => {
  sh('modprobe', 'ip_vs');
  writeFileSync(RULES, ipvsadmRules(N, D));
  console.log(`table: ${N} TCP services x ${D} masq destinations (${N + N * D} lines of -R input); median of ${RUNS}, one boot`);
  const restore = { ipvsadm: [] as number[], js: [] as number[] };
  const list = { ipvsadmS: [] as number[], jsS: [] as number[], ipvsadmL: [] as number[], jsL: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    let ns = freshNamespace(warm);
    restore.ipvsadm.push(inNs(ns, `ipvsadm -R < ${RULES}`));
    const theirs = sh('ip', 'netns', 'exec', ns, 'ipvsadm', '-Sn');
    await dropNamespace(ns);
    ns = freshNamespace(warm);
    restore.js.push(inNs(ns, `${JS} -R < ${RULES}`));
    if (sh('ip', 'netns', 'exec', ns, 'ipvsadm', '-Sn') !== theirs) throw new Error('ipvsadm-js -R made another table than ipvsadm -R');
    // Listings of the restored table, both programs on the same kernel state.
    list.ipvsadmS.push(inNs(ns, 'ipvsadm -Sn > /dev/null'));
    list.jsS.push(inNs(ns, `${JS} -Sn > /dev/null`));
    list.ipvsadmL.push(inNs(ns, 'ipvsadm -Ln --stats --exact > /dev/null'));
    list.jsL.push(inNs(ns, `${JS} -Ln --stats --exact > /dev/null`));
    await dropNamespace(ns);
  }
  const startup = median([0, 1, 2].map(() => timed(process.execPath, '-e', '0')));
  console.log('restore (-R < rules):');
  show('ipvsadm -R', median(restore.ipvsadm));
  show('ipvsadm-js -R', median(restore.js), `ipvsadm/ipvsadm-js ${(median(restore.ipvsadm) / median(restore.js)).toFixed(1)}x`);
  console.log('listing the restored table:');
  show('ipvsadm -Sn', median(list.ipvsadmS));
  show('ipvsadm-js -Sn', median(list.jsS), `ipvsadm/ipvsadm-js ${(median(list.ipvsadmS) / median(list.jsS)).toFixed(1)}x`);
  show('ipvsadm -Ln --stats --exact', median(list.ipvsadmL));
  show('ipvsadm-js -Ln --stats --exact', median(list.jsL), `ipvsadm/ipvsadm-js ${(median(list.ipvsadmL) / median(list.jsL)).toFixed(1)}x`);
  show('node -e 0 (starting Node, included in every ipvsadm-js figure)', startup);
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
