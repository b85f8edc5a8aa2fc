#!/usr/bin/env node
/**
 * The ipvsadm-js command: `ipvsadm-js -Ln`, `ipvsadm-js -R < rules`, ...
 * Messages name the program as it was invoked (ipvsadm prints its argv[0]),
 * so a link named `ipvsadm` speaks as ipvsadm.
 * @module
 */
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import { ipvsadm } from './main';
import type { Output } from './output';

/** C stdio's way: stderr unbuffered, stdout written in 64 KiB blocks and at exit. */
class ProcessOutput implements Output {
  private parts: string[] = [];
  private size = 0;
  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 65536) this.flush();
  }
  err(text: string): void {
    writeAll(2, text);
  }
  flush(): void {
    if (this.parts.length) writeAll(1, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const out = new ProcessOutput();
const program = basename(process.argv[1] ?? 'ipvsadm-js').replace(/\.[cm]?[jt]s$/, '');
ipvsadm(process.argv.slice(2), { out, program, readStdin }).then(
  (status) => {
    out.flush();
    process.exitCode = status;
  },
  (e: unknown) => {
    out.flush();
    writeAll(2, `${program}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
