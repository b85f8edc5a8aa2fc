// Booting the UML test kernel to run one command.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { passthroughEnv, writeInitScript } from './init.mjs';
import { HarnessError, log, makeTempDir, removeTempDir, run } from './proc.mjs';

/**
 * Boot `kernel` (from kernel.mjs), run `argv` inside it in `cwd`, power off.
 * Resolves { status, output }: status is the command's exit status, read from
 * the file the init script writes; output is only collected with
 * quietOutput (otherwise it streams to our stdout).
 */
export async function bootUml(kernel, argv, { cwd = process.cwd(), env = passthroughEnv(), quietOutput = false, timeoutMs } = {}) {
  // Under /tmp so the path has no spaces (it goes on the kernel command line)
  // and is visible inside, since the guest's / is the host's.
  const dir = makeTempDir('ipvs-uml-');
  try {
    const tty = !quietOutput && Boolean(process.stdout.isTTY);
    const { init, status } = writeInitScript({ dir, kernel, argv, cwd, env, tty });
    const args = [
      `mem=${process.env.IPVS_TEST_UML_MEM || '2G'}`,
      'rootfstype=hostfs',
      'rw',
      'quiet', // keep printk noise out of the test output
      `init=${init}`,
      'con=null',
      'con0=fd:0,fd:1',
      `uml_dir=${dir}`, // its pid/mconsole files, instead of ~/.uml
    ];
    let output = '';
    const emit = (text) => {
      if (quietOutput) output += text;
      else process.stdout.write(text);
    };
    const lines = consoleFilter(emit);
    // UML keeps its RAM in a file under TMPDIR; /dev/shm may not exist here.
    const umlEnv = { TMPDIR: tmpdir(), HOME: process.env.HOME ?? '/root', PATH: process.env.PATH };
    const umlStatus = await run(kernel.linux, args, { env: umlEnv, onOutput: lines.write, timeoutMs });
    lines.end();
    let text;
    try {
      text = readFileSync(status, 'utf8').trim();
    } catch {
      const why = timeoutMs ? ` (or it hit the ${timeoutMs / 1000} s limit)` : '';
      throw new HarnessError(
        `test kernel exited (status ${umlStatus}) without writing the command's exit status${why}: ` +
          `it crashed or failed to boot.${quietOutput ? `\n${output.trim().split('\n').slice(-20).join('\n')}` : ''}`,
      );
    }
    if (!/^\d+$/.test(text)) throw new HarnessError(`unreadable status file: "${text}"`);
    return { status: Number(text), output };
  } finally {
    removeTempDir(dir);
  }
}

// UML's own harmless boot/shutdown chatter, dropped from the console output.
// Matched text is cut out; a line left empty by that is dropped.
const NOISE = [/^Warning: tempdir .* is not on tmpfs$/, /^Failed to initialize ubd device 0 :.*/, /reboot: Power down$/];

/**
 * Line filter for the guest console: drops NOISE lines, and the \r that the
 * guest's tty puts before each \n. Whole lines only; a trailing partial line
 * is passed on at end().
 */
function consoleFilter(emit) {
  let pending = '';
  return {
    write(chunk) {
      pending += chunk.toString();
      const cut = pending.lastIndexOf('\n') + 1;
      if (cut === 0) return;
      const kept = pending
        .slice(0, cut)
        .replaceAll('\r\n', '\n')
        .split('\n')
        .flatMap((l) => {
          const cleaned = NOISE.reduce((s, re) => s.replace(re, ''), l);
          return cleaned === '' && l !== '' ? [] : [cleaned];
        })
        .join('\n');
      pending = pending.slice(cut);
      emit(kept);
    },
    end() {
      if (pending) emit(pending);
    },
  };
}

/** Log which kernel is about to be used (one line, for CI logs). */
export function describeKernel(kernel) {
  log(`running in User-Mode Linux ${kernel.version} (kernel ${kernel.kver}, ${kernel.source}, ${kernel.dir})`);
}
