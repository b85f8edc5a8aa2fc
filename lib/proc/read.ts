/**
 * Reading an open /proc file without blocking the event loop: each chunk is
 * read on libuv's thread pool (by the addon, which loops over the kernel's
 * page-sized reads), and the caller gets text that ends at a line end, one
 * chunk at a time.
 * @module
 */
import { close } from 'node:fs';
import { promisify } from 'node:util';
import { native } from '../native';

const closeAsync = promisify(close);

/** Bytes per read on the thread pool: ~7,000 connection rows. */
export const CHUNK_BYTES = 512 * 1024;
/**
 * Longest text handed out at once. V8 puts strings above ~128 KiB in its
 * large-object space, allocated and freed with mmap each time: slow, and
 * very slow where page faults are dear (User-Mode Linux).
 */
const PIECE_BYTES = 64 * 1024;

/**
 * Yields the file's text in pieces of whole lines, then closes `fd` (also
 * when the consumer stops early or a read fails). The next chunk is read
 * while the caller works on this one. Latin-1, so that bytes a persistence
 * engine printed cannot break a line apart.
 */
export async function* readLines(fd: number, chunkBytes = CHUNK_BYTES): AsyncGenerator<string> {
  const bufs = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)] as const;
  let k = 0;
  // A read in flight may fail while the caller is busy: handled (and rethrown) when awaited.
  const start = (buf: Buffer) => {
    const p = native().readFull(fd, buf);
    p.catch(() => undefined);
    return p;
  };
  let pending: Promise<number> | undefined = start(bufs[k]);
  let carry = '';
  try {
    for (;;) {
      const bytesRead = await pending;
      pending = undefined;
      if (bytesRead === 0) break;
      const buf = bufs[k];
      k ^= 1;
      pending = start(bufs[k]);
      // Whole lines in pieces of up to PIECE_BYTES; a partial last line waits for the next chunk.
      const complete = buf.lastIndexOf(10, bytesRead - 1) + 1;
      for (let start = 0; start < complete; ) {
        let end = start + PIECE_BYTES >= complete ? complete : buf.lastIndexOf(10, start + PIECE_BYTES - 1) + 1;
        if (end <= start) end = buf.indexOf(10, start) + 1; // one line longer than a piece
        yield carry + buf.toString('latin1', start, end);
        carry = '';
        start = end;
      }
      carry += buf.toString('latin1', complete, bytesRead);
    }
    if (carry) yield carry;
  } finally {
    // Never close the descriptor under a read still running on the thread pool.
    await pending?.catch(() => 0);
    await closeAsync(fd);
  }
}

/** The whole (small) file as text; small buffers, as it is polled (statistics). */
export async function readAll(fd: number): Promise<string> {
  let text = '';
  for await (const chunk of readLines(fd, 16 * 1024)) text += chunk;
  return text;
}
