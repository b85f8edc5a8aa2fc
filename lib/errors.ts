/**
 * Errors. Kernel and socket failures reject with IpvsError (Node's
 * SystemError style: code, errno, syscall) plus what was being done. Bad
 * arguments reject before anything is sent, with Node's own codes.
 * @module
 */
import { getSystemErrorName } from 'node:util';
import type { NativeError } from './native';

/** What an operation was working on, for messages and for `err.target`. */
export interface ErrorTarget {
  service?: string;
  destination?: string;
}

/**
 * A failure reported by the kernel or the netlink socket.
 *
 * `code` is the stable key: the errno name ('EEXIST', 'ESRCH', 'ENOENT',
 * 'EINVAL', 'EPERM', ...) or one of ours: 'ERR_IPVS_UNAVAILABLE' (no IPVS in
 * the kernel), 'ERR_IPVS_CLOSED' (the handle was closed), 'ERR_IPVS_PROTOCOL'
 * (a malformed reply), 'ERR_IPVS_NOT_SENT' (a batched operation that an
 * earlier socket failure kept from being sent). Messages may change between versions; codes do not.
 */
export class IpvsError extends Error {
  override name = 'IpvsError';
  /** Errno name or ERR_IPVS_* code. */
  readonly code: string;
  /** Negative errno, as in Node's fs errors (-17 for EEXIST); absent for ERR_IPVS_CLOSED. */
  readonly errno?: number;
  /** 'netlink' for kernel answers, else the failing syscall ('socket', 'recvmsg', ...). */
  readonly syscall?: string;
  /** The Ipvs method that failed, e.g. 'addService'. */
  readonly operation: string;
  /** The service and destination involved, as text ('TCP 10.1.0.1:80'). */
  readonly target: ErrorTarget;
  /** The kernel's extended-ack message, when it sent one. */
  readonly detail?: string;

  constructor(init: { message: string; code: string; errno?: number; syscall?: string; operation: string; target?: ErrorTarget; detail?: string }) {
    super(init.message);
    this.code = init.code;
    this.errno = init.errno;
    this.syscall = init.syscall;
    this.operation = init.operation;
    this.target = init.target ?? {};
    this.detail = init.detail;
  }
}

/** What an errno means for a given operation (after ipvsadm's ipvs_strerror). */
const MEANING: Record<string, Record<string, string>> = {
  addService: { EEXIST: 'service already exists', ENOENT: 'scheduler or persistence engine not found' },
  updateService: { ESRCH: 'no such service', ENOENT: 'scheduler or persistence engine not found' },
  deleteService: { ESRCH: 'no such service' },
  service: { ESRCH: 'no such service' },
  destinations: { ESRCH: 'no such service' },
  zero: { ESRCH: 'no such service' },
  addDestination: { ESRCH: 'service not defined', EEXIST: 'destination already exists' },
  updateDestination: { ESRCH: 'service not defined', ENOENT: 'no such destination' },
  deleteDestination: { ESRCH: 'service not defined', ENOENT: 'no such destination' },
  startDaemon: { EEXIST: 'daemon is already running', ENODEV: 'no such interface' },
  stopDaemon: { ESRCH: 'no daemon is running' },
};

const GENERAL: Record<string, string> = {
  EPERM: 'permission denied: IPVS needs CAP_NET_ADMIN in the initial user namespace (run as root)',
  EINVAL: 'invalid argument (address not unicast, mixed address families, or an option the kernel rejects)',
  ERANGE: 'value out of range',
  EAFNOSUPPORT: 'address family not supported',
  EOPNOTSUPP: 'operation not supported by this kernel',
  ENOMEM: 'out of memory',
  ETIMEDOUT: 'the kernel did not answer in time',
};

function describe(operation: string, target: ErrorTarget): string {
  const on = [target.service, target.destination && `-> ${target.destination}`].filter(Boolean).join(' ');
  return on ? `${operation} ${on}` : operation;
}

/**
 * What a service add or update refused with ENOENT lacked: the kernel loads
 * schedulers and persistence engines as modules (ip_vs_<name>, ip_vs_pe_<name>).
 */
function moduleHint(service: { scheduler?: string; pe?: string } | undefined): string {
  if (!service?.scheduler) return '';
  const modules = [`ip_vs_${service.scheduler}`, ...(service.pe ? [`ip_vs_pe_${service.pe}`] : [])];
  return ` (scheduler "${service.scheduler}"${service.pe ? `, persistence engine "${service.pe}"` : ''}: the kernel has no such module loaded and could not load it; try \`modprobe ${modules.join(' ')}\`)`;
}

/**
 * Converts a native failure into an IpvsError for `operation` on `target`;
 * `service`, for service adds and updates, names the modules an ENOENT lacked.
 */
export function toIpvsError(err: unknown, operation: string, target: ErrorTarget = {}, service?: { scheduler?: string; pe?: string }): IpvsError {
  const e = err as NativeError;
  if (e?.origin === 'closed') return closedError(operation);
  if (typeof e?.errno !== 'number') {
    return new IpvsError({ message: `${describe(operation, target)}: ${String(e?.message ?? err)}`, code: 'ERR_IPVS_INTERNAL', operation, target });
  }
  const name = safeErrnoName(e.errno);
  const code = e.origin === 'protocol' ? 'ERR_IPVS_PROTOCOL' : e.origin === 'notSent' ? 'ERR_IPVS_NOT_SENT' : name;
  const kernel = e.origin === 'kernel';
  // Kernel errors: what the errno means for this operation, plus the extended ack;
  // system errors: strerror and what was being opened (already in the message).
  const meaning = (kernel && (MEANING[operation]?.[name] ?? GENERAL[name])) || e.message;
  const hint = kernel && name === 'ENOENT' && (operation === 'addService' || operation === 'updateService') ? moduleHint(service) : '';
  const detail = (kernel && e.detail ? ` (${e.detail})` : '') + hint;
  return new IpvsError({
    message: `${describe(operation, target)}: ${meaning}${detail} [${name}]`,
    code,
    errno: e.errno,
    syscall: e.syscall,
    operation,
    target,
    detail: e.detail,
  });
}

export function closedError(operation: string): IpvsError {
  return new IpvsError({ message: `${operation}: the Ipvs handle is closed`, code: 'ERR_IPVS_CLOSED', operation });
}

/** The family (or IPVS's /proc/net files) is missing: say so and what to do. */
export function unavailableError(cause: IpvsError, operation = 'open'): IpvsError {
  const missing = operation === 'open' ? 'no generic netlink family "IPVS"' : `${operation}: no ${cause.detail ?? '/proc/net/ip_vs*'}`;
  return new IpvsError({
    message:
      `IPVS is not available in this kernel (${missing}). ` +
      'Load it with `modprobe ip_vs` as root, or use a kernel built with CONFIG_IP_VS.',
    code: 'ERR_IPVS_UNAVAILABLE',
    errno: cause.errno,
    syscall: cause.syscall,
    operation,
  });
}

function safeErrnoName(errno: number): string {
  try {
    return getSystemErrorName(errno);
  } catch {
    return `E${-errno}`;
  }
}

// Argument errors, with Node's codes and message shapes.

/** An argument's name, or a path whose text is built only for a message ('desired[3].port'). */
export type Name = string | { toString(): string };

type ArgErrorCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' | 'ERR_OUT_OF_RANGE';
export type IpvsArgumentError = (TypeError | RangeError) & { code: ArgErrorCode };

function withCode<E extends Error>(err: E, code: ArgErrorCode): E & { code: ArgErrorCode } {
  Object.defineProperty(err, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  return err as E & { code: ArgErrorCode };
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '...' : value}'`.replace(/\0/g, '\\0');
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

export function invalidType(name: Name, expected: string, value: unknown) {
  const received = value === null || value === undefined ? String(value) : `type ${typeof value} (${show(value)})`;
  return withCode(new TypeError(`The "${name}" argument must be ${expected}. Received ${received}`), 'ERR_INVALID_ARG_TYPE');
}

export function invalidValue(name: Name, value: unknown, reason: string) {
  return withCode(new TypeError(`The "${name}" argument ${reason}. Received ${show(value)}`), 'ERR_INVALID_ARG_VALUE');
}

export function outOfRange(name: Name, range: string, value: unknown) {
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${show(value)}`), 'ERR_OUT_OF_RANGE');
}
