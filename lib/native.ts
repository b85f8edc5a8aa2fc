/**
 * The native addon: its loader and the shapes of the "raw" objects it takes
 * and returns. Raw objects carry kernel values (numbers for families,
 * protocols, forwarding methods, flags); lib/convert.ts and lib/validate/
 * translate between them and the public types.
 * @module
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RawOpenOptions } from './validate/open';

export interface RawServiceKey {
  family: number; // AF_INET 2 | AF_INET6 10
  protocol: number; // 0 for fwmark services
  address: string; // '' for fwmark services
  port: number;
  fwmark: number; // 0 for address services
}

export interface RawService extends RawServiceKey {
  scheduler: string;
  pe: string; // '' when none
  flags: number; // IP_VS_SVC_F_*, without HASHED
  timeout: number; // persistence timeout, seconds
  netmask: number; // IPv4: mask as a 32-bit number; IPv6: prefix length
}

export interface RawDestination {
  family?: number;
  address: string;
  port: number;
  forwarding?: number;
  weight?: number;
  upperThreshold?: number;
  lowerThreshold?: number;
  tunnelType?: number;
  tunnelPort?: number;
  tunnelFlags?: number;
}

export interface RawInfo {
  version: number;
  connectionTableSize: number;
}

export interface RawTimeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

export interface RawDaemon {
  state: number;
  interface: string;
  syncId: number;
  maxLength: number;
  group: string;
  port: number;
  ttl: number;
}

/** One persistent IPVS netlink socket; operations run one at a time, in order. */
export interface NativeHandle {
  /** Service records (lib/records.ts), each with no destination records. */
  services(): Promise<Buffer>;
  service(key: RawServiceKey): Promise<Buffer>;
  addService(svc: RawService): Promise<void>;
  updateService(svc: RawService): Promise<void>;
  deleteService(key: RawServiceKey): Promise<void>;
  destinations(key: RawServiceKey): Promise<Buffer>;
  addDestination(key: RawServiceKey, dest: RawDestination): Promise<void>;
  updateDestination(key: RawServiceKey, dest: RawDestination): Promise<void>;
  deleteDestination(key: RawServiceKey, dest: RawDestination): Promise<void>;
  /** Every service record followed by its destination records. */
  snapshot(): Promise<Buffer>;
  /** Sends the batch operation records (chunks from lib/records.ts OpWriter); resolves the failures as [index, error] pairs. */
  runBatch(records: Buffer[], options?: BatchWireOptions): Promise<Array<[number, NativeError]>>;
  info(): Promise<RawInfo>;
  timeouts(): Promise<RawTimeouts>;
  setTimeouts(t: RawTimeouts): Promise<void>;
  zero(key?: RawServiceKey): Promise<void>;
  flush(): Promise<void>;
  daemons(): Promise<RawDaemon[]>;
  startDaemon(d: RawDaemon): Promise<void>;
  stopDaemon(state: number): Promise<void>;
  /** Opens an IPVS /proc/net file of the handle's namespace; resolves its fd (the caller closes it). */
  openProcFile(name: string): Promise<number>;
  /** Queued operations reject; the running one finishes, then the socket closes. */
  close(): void;
}

/** Batch operation kinds (native/addon/records.cc). */
export const BATCH_OP = { addService: 0, updateService: 1, deleteService: 2, addDestination: 3, updateDestination: 4, deleteDestination: 5 } as const;
export type BatchOpName = keyof typeof BATCH_OP;

export type RawBatchOp =
  | [kind: 0 | 1, service: RawService]
  | [kind: 2, service: RawServiceKey]
  | [kind: 3 | 4 | 5, service: RawServiceKey, destination: RawDestination];

/** How a batch goes on the wire: requests per datagram, and an ACK for each or only the last. */
export interface BatchWireOptions {
  window?: number;
  windowBytes?: number;
  ackEach?: boolean;
}

/** What a native failure carries (see native/addon/errors.cc). */
export interface NativeError extends Error {
  errno?: number;
  syscall?: string;
  origin?: 'kernel' | 'system' | 'protocol' | 'notSent' | 'closed';
  detail?: string;
}

export interface NativeBinding {
  open(options: RawOpenOptions): Promise<NativeHandle>;
  /** Fills `buffer` from `fd` on the thread pool; resolves the byte count (0: end of file). */
  readFull(fd: number, buffer: Buffer): Promise<number>;
  testing: {
    encodeRequest(op: string, ...args: unknown[]): Buffer;
    decodeReply(kind: string, datagrams: Buffer[], seq: number, portId: number, serviceFamily?: number): unknown;
    encodeBatch(records: Buffer[]): Buffer[];
  };
}

let binding: NativeBinding | undefined;

/**
 * Loads the addon on first use, so that importing the package works on any
 * OS. IPVS_ADDON names a specific build (the cmake-js one in CI).
 */
export function native(): NativeBinding {
  if (!binding) {
    const override = process.env.IPVS_ADDON;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding = (override ? require(path.resolve(override)) : require('node-gyp-build')(packageRoot())) as NativeBinding;
  }
  return binding;
}

/** The package's directory (the nearest with a package.json): lib/.. from source, dist/lib/../.. when built. */
export function packageRoot(): string {
  let dir = path.join(__dirname, '..');
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
