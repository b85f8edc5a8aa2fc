#!/usr/bin/env node
// Seed corpora for the fuzz targets, from the kernel replies recorded in
// test/fixtures/replies.json (real bytes from the test kernel), plus a few
// built here for what the recording has no example of (extended ACKs, batch
// answers, an interrupted dump, sync daemons).
//
//   node fuzz/seeds.mjs <dir>     writes <dir>/<target>/<name> for every target
//
// Each target's input format is described at the top of its fuzz/<target>.cc.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const F_MULTI = 0x2;
const F_DUMP_INTR = 0x10;
const F_CAPPED = 0x100;
const F_ACK_TLVS = 0x200;

const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const i32 = (v) => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };
const pad4 = (b) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

function attr(type, payload) {
  return pad4(Buffer.concat([u16(4 + payload.length), u16(type), payload]));
}

function nlMessage(type, flags, seq, pid, body) {
  return pad4(Buffer.concat([u32(16 + body.length), u16(type), u16(flags), u32(seq), u32(pid), body]));
}

/** The messages of a datagram: header fields and the payload after nlmsghdr. */
function messages(datagram) {
  const out = [];
  for (let off = 0; off + 16 <= datagram.length; ) {
    const len = datagram.readUInt32LE(off);
    if (len < 16 || off + len > datagram.length) break;
    out.push({
      type: datagram.readUInt16LE(off + 4),
      flags: datagram.readUInt16LE(off + 6),
      seq: datagram.readUInt32LE(off + 8),
      pid: datagram.readUInt32LE(off + 12),
      payload: datagram.subarray(off + 16, off + len),
    });
    off += (len + 3) & ~3;
  }
  return out;
}

/** reply_reader input: [u32 seq][u32 port][u8 options][u16 length + datagram]... */
function replyInput(seq, port, opts, datagrams) {
  return Buffer.concat([u32(seq), u32(port), Buffer.from([opts]), ...datagrams.flatMap((d) => [u16(d.length), d])]);
}

/** An NLMSG_ERROR payload: status, the echoed request (or its header), extended-ack TLVs. */
function errorPayload(status, request, tlvs = []) {
  return Buffer.concat([i32(status), request, ...tlvs]);
}

/** Every seed, by target: { target: { name: Buffer } }. */
export function seedInputs() {
  const fixtures = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/replies.json'), 'utf8'));
  const seeds = { netlink_messages: {}, ack: {}, reply_reader: {}, ipvs_codec: {} };
  const decoderOf = { services: 0, service: 0, destinations: 1, info: 2, timeouts: 3 }; // fuzz/ipvs_codec.cc
  let port = 0;
  let family = 0;

  for (const [name, f] of Object.entries(fixtures)) {
    const request = Buffer.from(f.request, 'hex');
    const datagrams = f.datagrams.map((h) => Buffer.from(h, 'hex'));
    ({ portId: port, family } = f);
    seeds.netlink_messages[`${name}-request`] = request;
    datagrams.forEach((d, i) => { seeds.netlink_messages[`${name}-${i}`] = d; });
    // As received, and one datagram per message (the reader's other split).
    seeds.reply_reader[name] = replyInput(f.seq, f.portId, 0, datagrams);
    const each = datagrams.flatMap((d) => messages(d).map((m) => nlMessage(m.type, m.flags, m.seq, m.pid, m.payload)));
    seeds.reply_reader[`${name}-split`] = replyInput(f.seq, f.portId, 0, each);
    datagrams.flatMap(messages).forEach((m, i) => {
      if (m.type === NLMSG_ERROR) seeds.ack[`${name}-${i}`] = Buffer.concat([u16(m.flags), m.payload]);
      else if (m.type === family && name in decoderOf) {
        seeds.ipvs_codec[`${name}-${i}`] = Buffer.concat([Buffer.from([decoderOf[name]]), u16(10), m.payload]);
      }
    });
  }

  // Extended ACKs: full echo (flags ACK_TLVS) and capped echo (header only).
  const request = Buffer.from(fixtures.service.request, 'hex');
  const tlvs = [attr(1, Buffer.from('Service not found\0')), attr(2, u32(20))]; // NLMSGERR_ATTR_MSG, _OFFS
  const fullEcho = errorPayload(-2, request, tlvs);
  const cappedEcho = errorPayload(-22, request.subarray(0, 16), tlvs);
  seeds.ack['ext-full'] = Buffer.concat([u16(F_ACK_TLVS), fullEcho]);
  seeds.ack['ext-capped'] = Buffer.concat([u16(F_ACK_TLVS | F_CAPPED), cappedEcho]);
  seeds.ack['ack-capped'] = Buffer.concat([u16(F_CAPPED), errorPayload(0, request.subarray(0, 16))]);

  // Batch windows of 4 requests (seq 500..503): options byte = count - 1
  // (| 32 for an ACK each); a foreign message and an error in the middle.
  const answer = (seq, payload, flags) => nlMessage(NLMSG_ERROR, flags, seq, port, payload);
  const ack = (seq) => answer(seq, errorPayload(0, request.subarray(0, 16)), F_CAPPED);
  const foreign = nlMessage(NLMSG_ERROR, F_CAPPED, 499, port, errorPayload(0, request.subarray(0, 16)));
  const failed = answer(501, cappedEcho, F_ACK_TLVS | F_CAPPED);
  seeds.reply_reader['batch-last-ack'] = replyInput(500, port, 3, [Buffer.concat([foreign, failed]), ack(503)]);
  seeds.reply_reader['batch-ack-each'] = replyInput(500, port, 3 | 32,
    [Buffer.concat([ack(500), failed, ack(502)]), ack(503)]);
  seeds.reply_reader['batch-offset'] = replyInput(500, port, 3 | 64, [Buffer.concat([ack(500), failed, ack(503)])]);
  seeds.reply_reader['error-full-echo'] = replyInput(501, port, 0, [answer(501, fullEcho, F_ACK_TLVS)]);

  // An interrupted dump, and one ended by a failed NLMSG_DONE.
  const dump = fixtures.services;
  const [first, done] = dump.datagrams.map((h) => Buffer.from(h, 'hex'));
  const intr = Buffer.from(first);
  intr.writeUInt16LE(intr.readUInt16LE(6) | F_DUMP_INTR, 6);
  seeds.reply_reader['dump-intr'] = replyInput(dump.seq, dump.portId, 0, [intr, done]);
  const failedDone = nlMessage(NLMSG_DONE, F_MULTI, dump.seq, dump.portId, i32(-16));
  seeds.reply_reader['dump-done-error'] = replyInput(dump.seq, dump.portId, 0, [first, failedDone]);

  // Sync daemons (GET_DAEMON reply: DAEMON nest), IPv4 and IPv6 groups.
  const daemon = (group) => Buffer.concat([Buffer.from([4, 1, 0, 0]), attr(3, Buffer.concat([
    attr(1, u32(1)), attr(2, Buffer.from('eth0\0')), attr(3, u32(7)), attr(4, u16(1472)), group,
    attr(7, u16(8848)), attr(8, Buffer.from([1])),
  ]))]);
  seeds.ipvs_codec['daemon-v4'] = Buffer.concat([Buffer.from([4]), u16(2), daemon(attr(5, Buffer.from([224, 0, 0, 81])))]);
  seeds.ipvs_codec['daemon-v6'] = Buffer.concat([Buffer.from([4]), u16(10),
    daemon(attr(6, Buffer.from('ff020000000000000000000000000051', 'hex')))]);
  seeds.netlink_messages['daemon-v6'] = nlMessage(family, 0, 1, port, seeds.ipvs_codec['daemon-v6'].subarray(3));
  return seeds;
}

/** Writes every target's seeds into <dir>/<target>/ (emptied first); returns the counts. */
export function writeSeeds(dir) {
  const counts = {};
  for (const [target, inputs] of Object.entries(seedInputs())) {
    const out = join(dir, target);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    for (const [name, bytes] of Object.entries(inputs)) writeFileSync(join(out, name), bytes);
    counts[target] = Object.keys(inputs).length;
  }
  return counts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node fuzz/seeds.mjs <dir>');
    process.exit(2);
  }
  for (const [target, n] of Object.entries(writeSeeds(resolve(dir)))) console.log(`${target}: ${n} seeds`);
}
