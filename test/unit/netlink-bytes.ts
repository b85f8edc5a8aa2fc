// Test-only helpers to build and read netlink bytes, so unit tests can state
// what the wire should hold and forge what old or broken kernels send.

export function attr(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const head = Buffer.alloc(4);
  head.writeUInt16LE(len, 0);
  head.writeUInt16LE(type, 2);
  return Buffer.concat([head, payload, Buffer.alloc((4 - (len % 4)) % 4)]);
}

export const u8 = (v: number) => Buffer.from([v]);
export const u16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
export const be16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
export const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
export const u64 = (v: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };

/** One netlink message: nlmsghdr + genlmsghdr (cmd, version 1) + attributes. */
export function genlMessage(o: { type: number; flags?: number; seq: number; pid: number; cmd: number }, ...attrs: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([o.cmd, 1, 0, 0]), ...attrs]);
  return nlMessage(o.type, o.flags ?? 0, o.seq, o.pid, body);
}

export function nlMessage(type: number, flags: number, seq: number, pid: number, body: Buffer): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(16 + body.length, 0);
  head.writeUInt16LE(type, 4);
  head.writeUInt16LE(flags, 6);
  head.writeUInt32LE(seq, 8);
  head.writeUInt32LE(pid, 12);
  return Buffer.concat([head, body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
}

export function done(seq: number, pid: number, status = 0): Buffer {
  return nlMessage(3, 2, seq, pid, Buffer.from(Int32Array.of(status).buffer));
}

export interface Tlv {
  type: number;
  data: Buffer;
}

/** The attributes in a buffer (no nesting implied). */
export function readAttrs(buf: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off + 4 <= buf.length; ) {
    const len = buf.readUInt16LE(off);
    out.push({ type: buf.readUInt16LE(off + 2) & 0x3fff, data: buf.subarray(off + 4, off + len) });
    off += (len + 3) & ~3;
  }
  return out;
}

/** A request's header fields and top-level attributes. */
export function readRequest(buf: Buffer) {
  return {
    len: buf.readUInt32LE(0),
    type: buf.readUInt16LE(4),
    flags: buf.readUInt16LE(6),
    cmd: buf[16],
    version: buf[17],
    attrs: readAttrs(buf.subarray(20)),
  };
}

/** Attributes nested in `tlv`, as a map type -> payload. */
export function nested(tlv: Tlv | undefined): Map<number, Buffer> {
  return new Map(readAttrs(tlv?.data ?? Buffer.alloc(0)).map((a) => [a.type, a.data]));
}
