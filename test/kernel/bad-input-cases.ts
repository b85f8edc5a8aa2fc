// The bad-input matrix run by bad-input.test.ts: invalid calls on every method
// of the public API that takes input, each with the error it must end in.
// Argument errors: Node's codes, the offending property named in the message,
// nothing sent. Kernel refusals of valid-looking input: an IpvsError whose code
// is the errno name (or, for batch()/apply(), the code of the first failure).
// Each case runs against the base table below, which it must leave unchanged.
import { Ipvs, type DestinationSpec, type ServiceSpec } from '../../lib/index';

/** The handle with its argument types erased: the cases pass what the types forbid. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = { [K in keyof Ipvs]: Ipvs[K] extends (...args: any[]) => any ? (...args: any[]) => any : Ipvs[K] };

/** Ipvs.open() without its argument type. */
const open = Ipvs.open as (options?: unknown) => Promise<Ipvs>;

export interface Env {
  /** A handle that was closed. */
  closed: Loose;
  /** The interface the base table's master sync daemon runs on. */
  iface: string;
  /**
   * A handle on another network namespace, whose table has a destination of
   * another address family than its service (and so can run no sync daemon).
   */
  other: Loose;
}

export type ErrorClass = 'TypeError' | 'RangeError' | 'IpvsError' | 'IpvsBatchError' | 'IpvsApplyError';

export interface BadInputCase {
  /** 'addService: port 65536 → ERR_OUT_OF_RANGE'. */
  name: string;
  category: string;
  call: (h: Loose, env: Env) => unknown;
  error: ErrorClass;
  code: string;
  /** Kernel (or OS) refusals: the errno name; for batch()/apply() that of the first failure. */
  errno?: string;
  /** With errno: the failing syscall (default 'netlink', the kernel's answer). */
  syscall?: string;
  /** IpvsError: the operation it names (for batch()/apply(): the first failure's). */
  operation?: string;
  /** batch()/apply(): how many operations failed (default 1). */
  failures?: number;
  /** Argument errors: the property the message must name ("service.port"). */
  field?: string;
  /** Text the message must also contain. */
  message?: string;
  /** Thrown synchronously (Batch's queueing methods, watch()) rather than a rejection. */
  throws?: boolean;
  /** Kernel state besides the table that the case could change: compared too ('other': the other namespace's table and daemons). */
  state?: 'timeouts' | 'daemons' | 'other';
  /** Needs the sip persistence engine in the kernel (skipped without it). */
  needs?: 'sip';
}

// ---------------------------------------------------------------------------
// The base table.

export const web = { protocol: 'tcp', address: '192.0.2.10', port: 80 } as const;
export const dns = { protocol: 'udp', address: '192.0.2.10', port: 53 } as const;
export const sctp = { protocol: 'sctp', address: '192.0.2.11', port: 38412 } as const;
export const web6 = { protocol: 'tcp', address: '2001:db8::10', port: 443 } as const;
export const dns6 = { protocol: 'udp', address: '2001:db8::10', port: 5353 } as const;
export const fwm4 = { fwmark: 10 } as const;
export const fwm6 = { fwmark: 20, family: 'inet6' } as const;
export const sip = { protocol: 'udp', address: '192.0.2.12', port: 5060 } as const;
export const anyPort = { protocol: 'tcp', address: '192.0.2.14', port: 0 } as const;

const webSpec: ServiceSpec = { ...web, scheduler: 'wrr', persistence: { timeout: 300, netmask: '255.255.255.0' } };
const web6Spec: ServiceSpec = { ...web6, scheduler: 'lc', persistence: { timeout: 600, netmask: 64 } };
const dnsSpec: ServiceSpec = { ...dns, scheduler: 'rr', flags: { onePacket: true } };

const w1 = { address: '198.51.100.1', port: 8080, forwarding: 'masq', weight: 3, upperThreshold: 100, lowerThreshold: 10 } as const;
const w2 = { address: '198.51.100.2', port: 8080, forwarding: 'route', weight: 1 } as const;
const w3 = { address: '198.51.100.3', port: 8080, forwarding: 'tunnel' } as const;
const dns1 = { address: '198.51.100.4', port: 53 } as const;
const v6a = { address: '2001:db8:1::1', port: 8443, weight: 2 } as const;
const v6gue = { address: '2001:db8:1::2', port: 443, forwarding: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } } as const;
const v6gre = { address: '2001:db8:1::4', port: 443, forwarding: 'tunnel', tunnel: { type: 'gre', checksum: 'csum' } } as const;
const fw4r = { address: '198.51.100.7', port: 0, forwarding: 'route' } as const;

/**
 * Services (and their destinations) the cases work against; a master sync
 * daemon runs too. No destination has another family than its service: the
 * kernel refuses those while a sync daemon runs (and a daemon while they exist).
 */
export const BASE: Array<{ service: ServiceSpec; destinations: DestinationSpec[]; needs?: 'sip' }> = [
  { service: webSpec, destinations: [w1, w2, w3] },
  { service: dnsSpec, destinations: [dns1] },
  { service: { ...sctp, scheduler: 'rr' }, destinations: [{ address: '198.51.100.5', port: 38412 }] },
  { service: web6Spec, destinations: [v6a, v6gue, v6gre] },
  { service: { ...dns6, scheduler: 'sh', flags: { schedFlag1: true, schedFlag2: true } }, destinations: [] },
  { service: { ...fwm4, scheduler: 'rr', persistence: { timeout: 60 } }, destinations: [fw4r, { address: '198.51.100.8', port: 0, forwarding: 'tunnel', tunnel: { type: 'gue', port: 5555, checksum: 'remcsum' } }] },
  { service: { ...fwm6, scheduler: 'mh', flags: { schedFlag2: true } }, destinations: [{ address: '2001:db8:1::3', port: 0, forwarding: 'route' }] },
  { service: { ...anyPort, scheduler: 'rr', persistence: { timeout: 360 } }, destinations: [] },
  { service: { ...sip, scheduler: 'rr', persistence: { timeout: 30 }, pe: 'sip' }, destinations: [{ address: '198.51.100.9', port: 5060 }], needs: 'sip' },
];

/** `ipvsadm -Sn` of BASE (sorted as ipvsadm sorts); the sip lines only when the kernel has sip. */
export function baseRules(withSip: boolean): string {
  return [
    '-A -t 192.0.2.10:80 -s wrr -p 300 -M 255.255.255.0',
    '-a -t 192.0.2.10:80 -r 198.51.100.1:8080 -m -w 3', // -Sn shows no thresholds
    '-a -t 192.0.2.10:80 -r 198.51.100.2:8080 -g -w 1',
    '-a -t 192.0.2.10:80 -r 198.51.100.3:8080 -i -w 1 --tun-type ipip',
    '-A -t 192.0.2.14:0 -s rr -p 360',
    '-A -u 192.0.2.10:53 -s rr -o',
    '-a -u 192.0.2.10:53 -r 198.51.100.4:53 -m -w 1',
    ...(withSip ? ['-A -u 192.0.2.12:5060 -s rr -p 30 --pe sip', '-a -u 192.0.2.12:5060 -r 198.51.100.9:5060 -m -w 1'] : []),
    '-A --sctp-service 192.0.2.11:38412 -s rr',
    '-a --sctp-service 192.0.2.11:38412 -r 198.51.100.5:38412 -m -w 1',
    '-A -t [2001:db8::10]:443 -s lc -p 600 -M 64',
    '-a -t [2001:db8::10]:443 -r [2001:db8:1::1]:8443 -m -w 2',
    '-a -t [2001:db8::10]:443 -r [2001:db8:1::2]:443 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum',
    '-a -t [2001:db8::10]:443 -r [2001:db8:1::4]:443 -i -w 1 --tun-type gre --tun-csum',
    '-A -u [2001:db8::10]:5353 -s sh -b sh-fallback,sh-port',
    '-A -f 10 -s rr -p 60',
    '-a -f 10 -r 198.51.100.7:0 -g -w 1',
    '-a -f 10 -r 198.51.100.8:0 -i -w 1 --tun-type gue --tun-port 5555 --tun-remcsum',
    '-A -f 20 -6 -s mh -b mh-port',
    '-a -f 20 -6 -r [2001:db8:1::3]:0 -g -w 1',
  ].join('\n') + '\n';
}

// Keys that are not in the table: a call that wrongly went through would add them (and show).
const NEW = { protocol: 'tcp', address: '192.0.2.50', port: 8080 } as const;
const NEW6 = { protocol: 'tcp', address: '2001:db8::50', port: 8080 } as const;
const MISSING = { protocol: 'udp', address: '192.0.2.99', port: 9 } as const;
const D = { address: '198.51.100.50', port: 8080 } as const;

// ---------------------------------------------------------------------------
// Case constructors.

const CASES: BadInputCase[] = [];
let category = '';

type Call = BadInputCase['call'];
type ArgCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' | 'ERR_OUT_OF_RANGE';
const T: ArgCode = 'ERR_INVALID_ARG_TYPE';
const V: ArgCode = 'ERR_INVALID_ARG_VALUE';
const R: ArgCode = 'ERR_OUT_OF_RANGE';
type Extra = Partial<Pick<BadInputCase, 'throws' | 'state' | 'needs' | 'message' | 'failures' | 'syscall' | 'operation'>>;

function add(c: Omit<BadInputCase, 'name' | 'category'>, label: string): void {
  const name = `${label} → ${c.code}${c.errno && c.errno !== c.code ? ` (${c.errno})` : ''}`;
  CASES.push({ name, category, ...c });
}

/** An argument error, thrown synchronously when `throws`. */
function arg(label: string, call: Call, code: ArgCode, field: string, extra: Extra = {}): void {
  add({ call, error: code === R ? 'RangeError' : 'TypeError', code, field, ...extra }, label);
}

/** A refusal by the kernel (or the OS), as an IpvsError of `operation` (the label's method by default). */
function kernel(label: string, call: Call, errno: string, extra: Extra = {}): void {
  const operation = extra.operation ?? label.slice(0, label.indexOf(':'));
  add({ call, error: 'IpvsError', code: errno, errno, operation, ...extra }, label);
}

/** batch().run() with operations the kernel refuses (and only those). */
function batchKernel(label: string, call: Call, errno: string, operation: string, extra: Extra = {}): void {
  add({ call, error: 'IpvsBatchError', code: 'ERR_IPVS_BATCH', errno, operation, ...extra }, label);
}

/** apply() with a change the kernel refuses: rolled back. */
function applyKernel(label: string, call: Call, errno: string, operation: string, extra: Extra = {}): void {
  add({ call, error: 'IpvsApplyError', code: 'ERR_IPVS_APPLY', errno, operation, ...extra }, label);
}

/** A call on a closed handle. */
function closed(label: string, call: Call, operation: string, extra: Extra = {}): void {
  add({ call, error: 'IpvsError', code: 'ERR_IPVS_CLOSED', operation, message: 'closed', ...extra }, label);
}

/** How a value is shown in a case's name. */
function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 24 ? `${v.slice(0, 12)}…(${v.length} chars)` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v instanceof Date) return 'a Date';
  if (v instanceof Map) return 'a Map';
  if (v instanceof Number) return 'new Number(…)';
  if (v instanceof String) return 'new String(…)';
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(', ')} }`;
  return String(v);
}

/** The code integer() gives a bad number. */
const numberCode = (v: unknown): ArgCode => (typeof v === 'number' ? R : T);

// ---------------------------------------------------------------------------
category = 'wrong argument types';
{
  const wrong: unknown[] = [undefined, null, 'tcp 192.0.2.50:8080', 42, true, [], () => undefined, Symbol('service'), 1n, new Date(0)];
  for (const v of wrong) {
    // A Date is an object: it fails on its first missing property.
    const [code, field] = v instanceof Date ? [T, 'service.protocol'] : [T, 'service'];
    arg(`addService: service ${show(v)}`, (h) => h.addService(v), code, field);
  }
  const some: unknown[] = [null, 'web', [web], Symbol.iterator, 80n];
  for (const m of ['updateService', 'deleteService', 'service', 'destinations'] as const) {
    for (const v of some.slice(0, 2)) arg(`${m}: service ${show(v)}`, (h) => h[m](v), T, 'service');
  }
  for (const v of [null, 'web', Symbol.iterator]) arg(`zero: service ${show(v)}`, (h) => h.zero(v), T, 'service');
  for (const v of [null, 80n, () => web]) arg(`addDestination: service ${show(v)}`, (h) => h.addDestination(v, D), T, 'service');
  arg('updateDestination: service "web"', (h) => h.updateDestination('web', w1), T, 'service');
  arg('deleteDestination: service [web]', (h) => h.deleteDestination([web], w1), T, 'service');
  for (const v of [Symbol('svc'), 7]) arg(`batch.addService: service ${show(v)}`, (h) => h.batch().addService(v), T, 'service', { throws: true });
  arg('batch.deleteService: service null', (h) => h.batch().deleteService(null), T, 'service', { throws: true });
  arg('batch.updateService: service "web"', (h) => h.batch().updateService('web'), T, 'service', { throws: true });

  const dests: unknown[] = [undefined, null, '198.51.100.50:8080', [D], 8080n];
  for (const v of dests) arg(`addDestination: destination ${show(v)}`, (h) => h.addDestination(web, v), T, 'destination');
  for (const v of [undefined, 'w1', [w1]]) arg(`updateDestination: destination ${show(v)}`, (h) => h.updateDestination(web, v), T, 'destination');
  for (const v of [null, true, Symbol('dest')]) arg(`deleteDestination: destination ${show(v)}`, (h) => h.deleteDestination(web, v), T, 'destination');
  arg('batch.addDestination: destination null', (h) => h.batch().addDestination(web, null), T, 'destination', { throws: true });
  arg('batch.deleteDestination: destination "w1"', (h) => h.batch().deleteDestination(web, 'w1'), T, 'destination', { throws: true });
  arg('batch.updateDestination: destination []', (h) => h.batch().updateDestination(web, []), T, 'destination', { throws: true });
}

// ---------------------------------------------------------------------------
category = 'key shapes';
{
  const { protocol: _p, ...noProtocol } = NEW;
  const { address: _a, ...noAddress } = NEW;
  const { port: _o, ...noPort } = NEW;
  arg('addService: no protocol', (h) => h.addService(noProtocol), T, 'service.protocol');
  arg('addService: no address', (h) => h.addService(noAddress), T, 'service.address');
  arg('addService: no port', (h) => h.addService(noPort), T, 'service.port');
  arg('addService: {}', (h) => h.addService({}), T, 'service.protocol');
  arg('addService: a Map of the key', (h) => h.addService(new Map(Object.entries(NEW))), T, 'service.protocol');
  arg('addService: fwmark with protocol', (h) => h.addService({ fwmark: 30, protocol: 'tcp' }), V, 'service.protocol');
  arg('addService: fwmark with address', (h) => h.addService({ fwmark: 30, address: '192.0.2.50' }), V, 'service.address');
  arg('addService: fwmark with port', (h) => h.addService({ fwmark: 30, port: 80 }), V, 'service.port');
  arg('addService: fwmark with port 0', (h) => h.addService({ fwmark: 30, port: 0 }), V, 'service.port');
  arg('addService: fwmark and a full address key', (h) => h.addService({ ...NEW, fwmark: 30 }), V, 'service.protocol');
  arg('addService: fwmark null with an address key', (h) => h.addService({ ...NEW, fwmark: null }), V, 'service.protocol');
  for (const key of ['schedular', 'weight', 'persistent', 'netmask', 'Protocol']) {
    arg(`addService: unknown property ${key}`, (h) => h.addService({ ...NEW, [key]: 1 }), V, `service.${key}`);
  }
  arg('updateService: unknown property sched', (h) => h.updateService({ ...webSpec, sched: 'rr' }), V, 'service.sched');
  arg('deleteService: unknown property id', (h) => h.deleteService({ ...web, id: 1 }), V, 'service.id');
  arg('deleteService: no port', (h) => h.deleteService({ protocol: 'tcp', address: '192.0.2.10' }), T, 'service.port');
  arg('deleteService: fwmark with protocol', (h) => h.deleteService({ ...fwm4, protocol: 'tcp' }), V, 'service.protocol');
  arg('service: no protocol', (h) => h.service({ address: '192.0.2.10', port: 80 }), T, 'service.protocol');
  arg('zero: {}', (h) => h.zero({}), T, 'service.protocol');
  arg('batch.deleteService: fwmark with address', (h) => h.batch().deleteService({ ...fwm4, address: '192.0.2.10' }), V, 'service.address', { throws: true });

  arg('addDestination: {}', (h) => h.addDestination(web, {}), T, 'destination.address');
  arg('addDestination: no port', (h) => h.addDestination(web, { address: D.address }), T, 'destination.port');
  arg('deleteDestination: no address', (h) => h.deleteDestination(web, { port: 8080 }), T, 'destination.address');
  arg('deleteDestination: no port', (h) => h.deleteDestination(web, { address: w1.address }), T, 'destination.port');
  for (const key of ['wieght', 'fwmark', 'protocol', 'forward']) {
    arg(`addDestination: unknown property ${key}`, (h) => h.addDestination(web, { ...D, [key]: 1 }), V, `destination.${key}`);
  }
  arg('updateDestination: unknown property forward', (h) => h.updateDestination(web, { ...w1, forward: 'masq' }), V, 'destination.forward');
  arg('deleteDestination: unknown property weigth', (h) => h.deleteDestination(web, { ...w1, weigth: 3 }), V, 'destination.weigth');
}

// ---------------------------------------------------------------------------
category = 'addresses';
{
  const malformed = [
    '', ' 192.0.2.50', '192.0.2', '192.0.2.256', '192.0.2.050', '192.0.2.50/24', '192.0.2.50:8080', '[2001:db8::50]',
    '2001:db8::50::1', '::ffff:192.0.2.256', 'localhost', '192.0.2.50\0', '١٩٢.٠.٢.٥٠', 'x'.repeat(100_000),
  ];
  for (const a of malformed) arg(`addService: address ${show(a)}`, (h) => h.addService({ ...NEW, address: a }), V, 'service.address');
  for (const a of ['fe80::1%eth0', '2001:db8::50%1']) arg(`addService: address ${show(a)} (zone id)`, (h) => h.addService({ ...NEW6, address: a }), V, 'service.address');
  for (const a of [3221226034, null, ['192.0.2.50'], new String('192.0.2.50')]) {
    arg(`addService: address ${show(a)}`, (h) => h.addService({ ...NEW, address: a }), T, 'service.address');
  }
  for (const a of ['192.0.2.10.', '2001:db8::10/64']) arg(`deleteService: address ${show(a)}`, (h) => h.deleteService({ ...web, address: a }), V, 'service.address');
  arg('deleteService: address 3221225994', (h) => h.deleteService({ ...web, address: 3221225994 }), T, 'service.address');
  arg('updateService: address "192.0.2.10\\0"', (h) => h.updateService({ ...webSpec, address: '192.0.2.10\0' }), V, 'service.address');
  arg('updateService: address "::ffff:192.0.2.10/128"', (h) => h.updateService({ ...web6Spec, address: '::ffff:192.0.2.10/128' }), V, 'service.address');
  arg('service: address "192.0.2.1O" (letter O)', (h) => h.service({ ...web, address: '192.0.2.1O' }), V, 'service.address');
  arg('zero: address null', (h) => h.zero({ ...web, address: null }), T, 'service.address');
  arg('destinations: address "2001:db8::10%lo"', (h) => h.destinations({ ...web6, address: '2001:db8::10%lo' }), V, 'service.address');
  arg('addDestination: service address "192.0.2.10 "', (h) => h.addDestination({ ...web, address: '192.0.2.10 ' }, D), V, 'service.address');

  const badDest = ['', '198.51.100', '198.51.100.300', '198.51.100.50\0', '[2001:db8:1::50]', 'fe80::1%bi0'];
  for (const a of badDest) arg(`addDestination: address ${show(a)}`, (h) => h.addDestination(web, { ...D, address: a }), V, 'destination.address');
  for (const a of [3325256754, null, ['198.51.100.50']]) arg(`addDestination: address ${show(a)}`, (h) => h.addDestination(web, { ...D, address: a }), T, 'destination.address');
  arg('updateDestination: address "198.51.100.1\\0"', (h) => h.updateDestination(web, { ...w1, address: '198.51.100.1\0' }), V, 'destination.address');
  arg('updateDestination: address 0', (h) => h.updateDestination(web, { ...w1, address: 0 }), T, 'destination.address');
  arg('deleteDestination: address "198.51.100.01"', (h) => h.deleteDestination(web, { ...w1, address: '198.51.100.01' }), V, 'destination.address');
  arg('deleteDestination: address {}', (h) => h.deleteDestination(web, { ...w1, address: {} }), T, 'destination.address');
  arg('batch.addDestination: address "2001:db8:1::50::"', (h) => h.batch().addDestination(web6, { ...D, address: '2001:db8:1::50::' }), V, 'destination.address', { throws: true });

  // Mixed families: only tunnels may cross.
  arg('addDestination: IPv6 masq destination on an IPv4 service', (h) => h.addDestination(web, { address: '2001:db8:1::50', port: 8080 }), V, 'destination.address', { message: 'mixed address families' });
  arg('addDestination: IPv6 route destination on an IPv4 service', (h) => h.addDestination(web, { address: '2001:db8:1::50', port: 8080, forwarding: 'route' }), V, 'destination.address');
  arg('addDestination: IPv6 local destination on an IPv4 service', (h) => h.addDestination(web, { address: '::1', port: 8080, forwarding: 'local' }), V, 'destination.address');
  arg('addDestination: IPv4 masq destination on an IPv6 service', (h) => h.addDestination(web6, { address: '198.51.100.50', port: 443 }), V, 'destination.address');
  arg('addDestination: IPv4-mapped masq destination on an IPv4 service', (h) => h.addDestination(web, { address: '::ffff:198.51.100.50', port: 8080 }), V, 'destination.address');
  arg('addDestination: IPv6 route destination on an IPv4 fwmark service', (h) => h.addDestination(fwm4, { address: '2001:db8:1::50', port: 0, forwarding: 'route' }), V, 'destination.address');
  arg('addDestination: IPv4 masq destination on an IPv6 fwmark service', (h) => h.addDestination(fwm6, { address: '198.51.100.50', port: 0 }), V, 'destination.address');
  arg('updateDestination: IPv4 destination of an IPv6 service, masq', (h) => h.updateDestination(web6, { address: '198.51.100.6', port: 443, forwarding: 'masq' }), V, 'destination.address');
  arg('batch.addDestination: IPv6 masq destination on an IPv4 service', (h) => h.batch().addDestination(dns, { address: '2001:db8:1::53', port: 53 }), V, 'destination.address', { throws: true });

  // Addresses only the kernel refuses: not unicast.
  const notUnicast: Array<[typeof web | typeof web6 | typeof fwm4, string, string]> = [
    [web, '224.0.0.1', 'masq'], [web, '239.255.255.250', 'route'], [web, '255.255.255.255', 'masq'], [web, '0.0.0.0', 'masq'],
    [web, '224.0.0.2', 'tunnel'], [fwm4, '224.0.0.3', 'route'], [web6, '::', 'masq'], [web6, 'ff02::1', 'masq'],
    [web6, 'ff05::1:3', 'route'], [web6, 'fe80::1', 'masq'], [web6, '::ffff:198.51.100.1', 'masq'], [web6, 'ff02::2', 'tunnel'],
  ];
  for (const [svc, address, forwarding] of notUnicast) {
    const port = 'fwmark' in svc ? 0 : 8080;
    kernel(`addDestination: ${forwarding} destination ${address}`, (h) => h.addDestination(svc, { address, port, forwarding }), 'EINVAL', { message: 'not unicast' });
  }

  // Tunnels may cross families, but not while a sync daemon runs (the base table's master does).
  const mixed = { message: 'mixed address families' };
  kernel('addDestination: IPv6 tunnel destination on an IPv4 service, daemon running', (h) => h.addDestination(web, { address: '2001:db8:1::60', port: 8080, forwarding: 'tunnel' }), 'EINVAL', mixed);
  kernel('addDestination: IPv4 GRE destination on an IPv6 service, daemon running', (h) => h.addDestination(web6, { address: '198.51.100.6', port: 443, forwarding: 'tunnel', tunnel: { type: 'gre', checksum: 'csum' } }), 'EINVAL', mixed);
  kernel('addDestination: IPv4 GUE destination on an IPv6 fwmark service, daemon running', (h) => h.addDestination(fwm6, { address: '198.51.100.61', port: 0, forwarding: 'tunnel', tunnel: { type: 'gue', port: 6081 } }), 'EINVAL', mixed);
  kernel('updateDestination: IPv6 tunnel destination on an IPv4 service, daemon running', (h) => h.updateDestination(web, { address: '2001:db8:1::60', port: 8080, forwarding: 'tunnel' }), 'EINVAL', mixed);
  batchKernel('batch.addDestination: IPv6 tunnel destination on an IPv4 service, daemon running', (h) => h.batch().addDestination(dns, { address: '2001:db8:1::53', port: 53, forwarding: 'tunnel' }).run(), 'EINVAL', 'addDestination');
  applyKernel('apply: IPv6 tunnel destination on an IPv4 fwmark service, daemon running', (h) => h.apply([{ ...fwm4, scheduler: 'rr', persistence: { timeout: 60 }, destinations: [{ address: '2001:db8:1::62', port: 0, forwarding: 'tunnel' }] }]), 'EINVAL', 'addDestination');
}

// ---------------------------------------------------------------------------
category = 'ports';
{
  const ports: unknown[] = [-1, 65536, 80.5, NaN, '80', null];
  const methods: Array<[string, (p: unknown) => Call, string, boolean?]> = [
    ['addService', (p) => (h) => h.addService({ ...NEW, port: p }), 'service.port'],
    ['updateService', (p) => (h) => h.updateService({ ...webSpec, port: p }), 'service.port'],
    ['deleteService', (p) => (h) => h.deleteService({ ...web, port: p }), 'service.port'],
    ['zero', (p) => (h) => h.zero({ ...dns, port: p }), 'service.port'],
    ['addDestination (service)', (p) => (h) => h.addDestination({ ...web, port: p }, D), 'service.port'],
    ['batch.addService', (p) => (h) => h.batch().addService({ ...NEW, port: p }), 'service.port', true],
  ];
  for (const [m, call, field, throws] of methods) {
    for (const p of ports) arg(`${m}: port ${show(p)}`, call(p), numberCode(p), field, { throws });
  }
  for (const p of [70000, -Infinity]) arg(`service: port ${show(p)}`, (h) => h.service({ ...web, port: p }), R, 'service.port');
  for (const p of [80n, new Number(443)]) arg(`destinations: port ${show(p)}`, (h) => h.destinations({ ...web6, port: p }), T, 'service.port');

  const dports: unknown[] = [-1, 65536, 8080.5, '8080', null];
  const dmethods: Array<[string, (p: unknown) => Call, boolean?]> = [
    ['addDestination', (p) => (h) => h.addDestination(web, { ...D, port: p })],
    ['updateDestination', (p) => (h) => h.updateDestination(web, { ...w1, port: p })],
    ['deleteDestination', (p) => (h) => h.deleteDestination(web, { ...w2, port: p })],
    ['batch.addDestination', (p) => (h) => h.batch().addDestination(web6, { address: '2001:db8:1::50', port: p }), true],
  ];
  for (const [m, call, throws] of dmethods) {
    for (const p of dports) arg(`${m}: destination port ${show(p)}`, call(p), numberCode(p), 'destination.port', { throws });
  }
}

// ---------------------------------------------------------------------------
category = 'protocols';
{
  for (const p of ['icmp', 'TCP', 'tcp ', 'tcp\0', '', 'ip', 'udplite']) {
    arg(`addService: protocol ${show(p)}`, (h) => h.addService({ ...NEW, protocol: p }), V, 'service.protocol');
  }
  for (const p of [6, 17n, null, ['tcp']]) arg(`addService: protocol ${show(p)}`, (h) => h.addService({ ...NEW, protocol: p }), T, 'service.protocol');
  arg('deleteService: protocol "UDP"', (h) => h.deleteService({ ...dns, protocol: 'UDP' }), V, 'service.protocol');
  arg('updateService: protocol 132', (h) => h.updateService({ ...sctp, protocol: 132 }), T, 'service.protocol');
  arg('batch.addService: protocol "any"', (h) => h.batch().addService({ ...NEW, protocol: 'any' }), V, 'service.protocol', { throws: true });
}

// ---------------------------------------------------------------------------
category = 'families';
{
  arg('addService: family inet6 with an IPv4 address', (h) => h.addService({ ...NEW, family: 'inet6' }), V, 'service.family');
  arg('addService: family inet with an IPv6 address', (h) => h.addService({ ...NEW6, family: 'inet' }), V, 'service.family');
  for (const f of ['ipv4', 'INET', 'AF_INET', '', 2, null, ['inet']]) arg(`addService: family ${show(f)}`, (h) => h.addService({ ...NEW, family: f }), V, 'service.family');
  for (const f of ['inet4', 10, 'ipv6']) arg(`addService: fwmark family ${show(f)}`, (h) => h.addService({ fwmark: 30, family: f }), V, 'service.family');
  arg('deleteService: family "AF_INET6"', (h) => h.deleteService({ ...fwm6, family: 'AF_INET6' }), V, 'service.family');
  arg('updateService: family inet6 on an IPv4 key', (h) => h.updateService({ ...webSpec, family: 'inet6' }), V, 'service.family');
  arg('addDestination: family inet6 with an IPv4 address', (h) => h.addDestination(web, { ...D, family: 'inet6' }), V, 'destination.family');
  arg('addDestination: family "ipv4"', (h) => h.addDestination(web, { ...D, family: 'ipv4' }), V, 'destination.family');
  arg('deleteDestination: family 2', (h) => h.deleteDestination(web, { ...w1, family: 2 }), V, 'destination.family');
  arg('updateDestination: family inet on an IPv6 destination', (h) => h.updateDestination(web6, { ...v6a, family: 'inet' }), V, 'destination.family');
}

// ---------------------------------------------------------------------------
category = 'fwmarks';
{
  for (const f of [0, -1, 2 ** 32, 1.5, NaN]) arg(`addService: fwmark ${show(f)}`, (h) => h.addService({ fwmark: f }), R, 'service.fwmark');
  for (const f of ['10', 10n, null, [10]]) arg(`addService: fwmark ${show(f)}`, (h) => h.addService({ fwmark: f }), T, 'service.fwmark');
  arg('deleteService: fwmark 0', (h) => h.deleteService({ fwmark: 0 }), R, 'service.fwmark');
  arg('updateService: fwmark 2^32 + 10', (h) => h.updateService({ fwmark: 2 ** 32 + 10, scheduler: 'rr' }), R, 'service.fwmark');
  arg('zero: fwmark -10', (h) => h.zero({ fwmark: -10 }), R, 'service.fwmark');
  arg('batch.addService: fwmark 0x1_0000_0000', (h) => h.batch().addService({ fwmark: 0x1_0000_0000 }), R, 'service.fwmark', { throws: true });
  arg('addDestination: fwmark "10"', (h) => h.addDestination({ fwmark: '10' }, D), T, 'service.fwmark');
}

// ---------------------------------------------------------------------------
category = 'schedulers';
{
  for (const s of ['', 'x'.repeat(16), 'rr\0', '\0', 'ṙṙṙṙṙṙ', 'rr'.padEnd(15, '\0')]) {
    arg(`addService: scheduler ${show(s)}`, (h) => h.addService({ ...NEW, scheduler: s }), V, 'service.scheduler');
  }
  for (const s of [null, 5, ['rr'], { name: 'rr' }, true]) arg(`addService: scheduler ${show(s)}`, (h) => h.addService({ ...NEW, scheduler: s }), T, 'service.scheduler');
  arg('updateService: scheduler ""', (h) => h.updateService({ ...webSpec, scheduler: '' }), V, 'service.scheduler');
  arg('batch.updateService: scheduler 16 bytes', (h) => h.batch().updateService({ ...webSpec, scheduler: 'weighted-rr-long' }), V, 'service.scheduler', { throws: true });

  // Names that fit but that no module has: the kernel's ENOENT, with the modprobe hint.
  for (const s of ['nosuch', 'RR', 'abcdefghijklmno', 'ééééééé', 'wlc ']) {
    kernel(`addService: scheduler ${show(s)}`, (h) => h.addService({ ...NEW, scheduler: s }), 'ENOENT', { message: 'scheduler or persistence engine not found' });
  }
  kernel('addService: fwmark service, scheduler "nosuch"', (h) => h.addService({ fwmark: 30, scheduler: 'nosuch' }), 'ENOENT', { message: 'modprobe ip_vs_nosuch' });
  kernel('updateService: scheduler "nosuch"', (h) => h.updateService({ ...webSpec, scheduler: 'nosuch' }), 'ENOENT', { message: 'scheduler or persistence engine not found' });
  kernel('updateService: IPv6 fwmark service, scheduler "mhx"', (h) => h.updateService({ ...fwm6, scheduler: 'mhx' }), 'ENOENT');
  batchKernel('batch.addService: scheduler "nosuch"', (h) => h.batch().addService({ ...NEW, scheduler: 'nosuch' }).run(), 'ENOENT', 'addService');
  batchKernel('batch.updateService: scheduler "nosuch"', (h) => h.batch().updateService({ ...web6Spec, scheduler: 'nosuch' }).run(), 'ENOENT', 'updateService');
}

// ---------------------------------------------------------------------------
category = 'persistence and netmasks';
{
  for (const p of [true, null, 300]) arg(`addService: persistence ${show(p)}`, (h) => h.addService({ ...NEW, persistence: p }), T, 'service.persistence');
  arg('addService: persistence {}', (h) => h.addService({ ...NEW, persistence: {} }), T, 'service.persistence.timeout');
  for (const t of [0, 2678401, 1.5]) arg(`addService: persistence timeout ${show(t)}`, (h) => h.addService({ ...NEW, persistence: { timeout: t } }), R, 'service.persistence.timeout');
  for (const t of ['300', null]) arg(`addService: persistence timeout ${show(t)}`, (h) => h.addService({ ...NEW, persistence: { timeout: t } }), T, 'service.persistence.timeout');
  arg('updateService: persistence timeout 0', (h) => h.updateService({ ...webSpec, persistence: { timeout: 0 } }), R, 'service.persistence.timeout');
  arg('updateService: persistence timeout 31 days + 1 s', (h) => h.updateService({ ...fwm4, persistence: { timeout: 31 * 86400 + 1 } }), R, 'service.persistence.timeout');

  const n4: Array<[unknown, ArgCode]> = [
    [33, R], [-1, R], [24.5, R], ['255.255.255.256', V], ['255.255.255.0\0', V], ['24', V], [true, T], [24n, T],
  ];
  for (const [n, code] of n4) arg(`addService: IPv4 netmask ${show(n)}`, (h) => h.addService({ ...NEW, persistence: { timeout: 300, netmask: n } }), code, 'service.persistence.netmask');
  const n6: Array<[unknown, ArgCode]> = [[0, R], [129, R], [64.5, R], ['64', T], ['255.255.255.0', T]];
  for (const [n, code] of n6) arg(`addService: IPv6 netmask ${show(n)}`, (h) => h.addService({ ...NEW6, persistence: { timeout: 300, netmask: n } }), code, 'service.persistence.netmask');
  arg('addService: IPv6 fwmark netmask 200', (h) => h.addService({ fwmark: 30, family: 'inet6', persistence: { timeout: 60, netmask: 200 } }), R, 'service.persistence.netmask');
  arg('updateService: IPv6 netmask 0', (h) => h.updateService({ ...web6Spec, persistence: { timeout: 600, netmask: 0 } }), R, 'service.persistence.netmask');
  arg('updateService: IPv4 netmask "255.255.255.0 "', (h) => h.updateService({ ...webSpec, persistence: { timeout: 300, netmask: '255.255.255.0 ' } }), V, 'service.persistence.netmask');
  arg('addService: persistence unknown property mask', (h) => h.addService({ ...NEW, persistence: { timeout: 300, mask: 24 } }), V, 'service.persistence.mask');
  arg('addService: persistence unknown property granularity', (h) => h.addService({ ...NEW, persistence: { timeout: 300, netmask: 24, granularity: 1 } }), V, 'service.persistence.granularity');
}

// ---------------------------------------------------------------------------
category = 'flags';
{
  for (const f of ['onePacket', null, 4]) arg(`addService: flags ${show(f)}`, (h) => h.addService({ ...NEW, flags: f }), T, 'service.flags');
  for (const k of ['persistent', 'hashed', 'onepacket']) {
    arg(`addService: flag ${k}`, (h) => h.addService({ ...NEW, flags: { [k]: true } }), V, `service.flags.${k}`);
  }
  for (const [k, v] of [['onePacket', 1], ['schedFlag1', 'true'], ['schedFlag2', null], ['schedFlag3', 0]] as const) {
    arg(`addService: flag ${k} ${show(v)}`, (h) => h.addService({ ...NEW, flags: { [k]: v } }), T, `service.flags.${k}`);
  }
  arg('addService: onePacket on TCP', (h) => h.addService({ ...NEW, flags: { onePacket: true } }), V, 'service.flags.onePacket', { message: 'only for UDP and fwmark services' });
  arg('addService: onePacket on SCTP', (h) => h.addService({ ...NEW, protocol: 'sctp', flags: { onePacket: true } }), V, 'service.flags.onePacket');
  arg('updateService: onePacket on TCP', (h) => h.updateService({ ...webSpec, flags: { onePacket: true } }), V, 'service.flags.onePacket');
  arg('batch.updateService: flag schedFlag1 "yes"', (h) => h.batch().updateService({ ...dnsSpec, flags: { schedFlag1: 'yes' } }), T, 'service.flags.schedFlag1', { throws: true });
}

// ---------------------------------------------------------------------------
category = 'persistence engines';
{
  const persistent = { ...NEW, protocol: 'udp', persistence: { timeout: 60 } } as const;
  for (const p of ['', 'x'.repeat(16), 'sip\0']) arg(`addService: pe ${show(p)}`, (h) => h.addService({ ...persistent, pe: p }), V, 'service.pe');
  for (const p of [null, 5, ['sip'], {}]) arg(`addService: pe ${show(p)}`, (h) => h.addService({ ...persistent, pe: p }), T, 'service.pe');
  for (const p of ['nosuch', 'SIP', 'sip2']) {
    kernel(`addService: pe ${show(p)}`, (h) => h.addService({ ...persistent, pe: p }), 'ENOENT', { message: `persistence engine "${p}"` });
  }
  kernel('updateService: pe "nosuch"', (h) => h.updateService({ ...webSpec, pe: 'nosuch' }), 'ENOENT', { message: 'modprobe ip_vs_wrr ip_vs_pe_nosuch' });
  kernel('updateService: sip service, pe "sipx"', (h) => h.updateService({ ...sip, scheduler: 'rr', persistence: { timeout: 30 }, pe: 'sipx' }), 'ENOENT', { needs: 'sip' });
  batchKernel('batch.updateService: pe "nosuch"', (h) => h.batch().updateService({ ...webSpec, pe: 'nosuch' }).run(), 'ENOENT', 'updateService');
}

// ---------------------------------------------------------------------------
category = 'weights';
{
  for (const w of [-1, 2 ** 31, 1.5, NaN, 1e100]) arg(`addDestination: weight ${show(w)}`, (h) => h.addDestination(web, { ...D, weight: w }), R, 'destination.weight');
  for (const w of ['3', null, true]) arg(`addDestination: weight ${show(w)}`, (h) => h.addDestination(web, { ...D, weight: w }), T, 'destination.weight');
  arg('updateDestination: weight -1', (h) => h.updateDestination(web, { ...w1, weight: -1 }), R, 'destination.weight');
  arg('updateDestination: weight 2^31 (IPv6)', (h) => h.updateDestination(web6, { ...v6a, weight: 2 ** 31 }), R, 'destination.weight');
  arg('batch.updateDestination: weight "heavy"', (h) => h.batch().updateDestination(web, { ...w2, weight: 'heavy' }), T, 'destination.weight', { throws: true });
}

// ---------------------------------------------------------------------------
category = 'thresholds';
{
  for (const [u, code] of [[-1, R], [2 ** 31, R], [10.5, R], ['100', T], [null, T], [100n, T]] as const) {
    arg(`addDestination: upperThreshold ${show(u)}`, (h) => h.addDestination(web, { ...D, upperThreshold: u }), code, 'destination.upperThreshold');
  }
  for (const [l, code] of [[-1, R], [2 ** 31, R], [1.5, R], ['x', T]] as const) {
    arg(`addDestination: lowerThreshold ${show(l)}`, (h) => h.addDestination(web, { ...D, upperThreshold: 2 ** 31 - 1, lowerThreshold: l }), code, 'destination.lowerThreshold');
  }
  arg('addDestination: lowerThreshold 11 > upperThreshold 10', (h) => h.addDestination(web, { ...D, upperThreshold: 10, lowerThreshold: 11 }), V, 'destination.lowerThreshold', { message: 'must not exceed upperThreshold' });
  arg('addDestination: lowerThreshold 1 without upperThreshold', (h) => h.addDestination(web, { ...D, lowerThreshold: 1 }), V, 'destination.lowerThreshold');
  arg('updateDestination: lowerThreshold 101 > upperThreshold 100', (h) => h.updateDestination(web, { ...w1, lowerThreshold: 101 }), V, 'destination.lowerThreshold');
  arg('updateDestination: upperThreshold 5 < lowerThreshold 10', (h) => h.updateDestination(web, { ...w1, upperThreshold: 5 }), V, 'destination.lowerThreshold');
  arg('batch.addDestination: lowerThreshold 2 > upperThreshold 1', (h) => h.batch().addDestination(dns, { ...dns1, port: 54, upperThreshold: 1, lowerThreshold: 2 }), V, 'destination.lowerThreshold', { throws: true });
}

// ---------------------------------------------------------------------------
category = 'forwarding';
{
  for (const f of ['nat', 'dr', 'MASQ', '', 'masq\0']) arg(`addDestination: forwarding ${show(f)}`, (h) => h.addDestination(web, { ...D, forwarding: f }), V, 'destination.forwarding');
  for (const f of [0, null]) arg(`addDestination: forwarding ${show(f)}`, (h) => h.addDestination(web, { ...D, forwarding: f }), T, 'destination.forwarding');
  arg('updateDestination: forwarding "Route"', (h) => h.updateDestination(web, { ...w2, forwarding: 'Route' }), V, 'destination.forwarding');
}

// ---------------------------------------------------------------------------
category = 'tunnel options';
{
  const tun = { ...D, forwarding: 'tunnel' } as const;
  arg('addDestination: tunnel options with masq', (h) => h.addDestination(web, { ...D, forwarding: 'masq', tunnel: { type: 'ipip' } }), V, 'destination.tunnel', { message: "only allowed with forwarding 'tunnel'" });
  arg('addDestination: tunnel options with the default forwarding', (h) => h.addDestination(web, { ...D, tunnel: { type: 'gre' } }), V, 'destination.tunnel');
  arg('addDestination: GUE options with route', (h) => h.addDestination(web, { ...D, forwarding: 'route', tunnel: { type: 'gue', port: 6080 } }), V, 'destination.tunnel');
  arg('addDestination: tunnel options with local', (h) => h.addDestination(web, { address: '127.0.0.1', port: 8080, forwarding: 'local', tunnel: { type: 'ipip' } }), V, 'destination.tunnel');
  arg('updateDestination: tunnel options on a route destination', (h) => h.updateDestination(web, { ...w2, tunnel: { type: 'ipip' } }), V, 'destination.tunnel');
  for (const t of ['gue', null]) arg(`addDestination: tunnel ${show(t)}`, (h) => h.addDestination(web, { ...tun, tunnel: t }), T, 'destination.tunnel');
  for (const t of ['vxlan', 'GUE']) arg(`addDestination: tunnel type ${show(t)}`, (h) => h.addDestination(web, { ...tun, tunnel: { type: t } }), V, 'destination.tunnel.type');
  for (const t of [1, null]) arg(`addDestination: tunnel type ${show(t)}`, (h) => h.addDestination(web, { ...tun, tunnel: { type: t } }), T, 'destination.tunnel.type');
  arg('addDestination: GUE without a port', (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gue' } }), V, 'destination.tunnel.port', { message: 'required for GUE' });
  for (const p of [0, 65536, 6080.5]) arg(`addDestination: GUE port ${show(p)}`, (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gue', port: p } }), R, 'destination.tunnel.port');
  for (const p of ['6080', null]) arg(`addDestination: GUE port ${show(p)}`, (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gue', port: p } }), T, 'destination.tunnel.port');
  arg('addDestination: IPIP with a port', (h) => h.addDestination(web, { ...tun, tunnel: { type: 'ipip', port: 6080 } }), V, 'destination.tunnel.port');
  arg('addDestination: GRE with a port', (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gre', port: 5 } }), V, 'destination.tunnel.port');
  arg('addDestination: default tunnel type with a port', (h) => h.addDestination(web, { ...tun, tunnel: { port: 6080 } }), V, 'destination.tunnel.port');
  for (const c of ['crc', 'CSUM']) arg(`addDestination: tunnel checksum ${show(c)}`, (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gue', port: 6080, checksum: c } }), V, 'destination.tunnel.checksum');
  arg('addDestination: tunnel checksum true', (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gue', port: 6080, checksum: true } }), T, 'destination.tunnel.checksum');
  arg('addDestination: IPIP with csum', (h) => h.addDestination(web, { ...tun, tunnel: { type: 'ipip', checksum: 'csum' } }), V, 'destination.tunnel.checksum');
  arg('addDestination: IPIP with remcsum', (h) => h.addDestination(web, { ...tun, tunnel: { checksum: 'remcsum' } }), V, 'destination.tunnel.checksum');
  arg('addDestination: GRE with remcsum', (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gre', checksum: 'remcsum' } }), V, 'destination.tunnel.checksum');
  arg('addDestination: tunnel unknown property ttl', (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gue', port: 6080, ttl: 64 } }), V, 'destination.tunnel.ttl');
  arg('addDestination: tunnel unknown property csum', (h) => h.addDestination(web, { ...tun, tunnel: { type: 'gue', port: 6080, csum: true } }), V, 'destination.tunnel.csum');
  arg('updateDestination: GUE destination without its port', (h) => h.updateDestination(web6, { ...v6gue, tunnel: { type: 'gue', checksum: 'csum' } }), V, 'destination.tunnel.port');
  arg('batch.addDestination: GRE with remcsum', (h) => h.batch().addDestination(fwm4, { address: '198.51.100.60', port: 0, forwarding: 'tunnel', tunnel: { type: 'gre', checksum: 'remcsum' } }), V, 'destination.tunnel.checksum', { throws: true });
}

// ---------------------------------------------------------------------------
category = 'timeouts';
{
  const s = { state: 'timeouts' } as const;
  for (const t of [undefined, null, 900, []]) arg(`setTimeouts: ${show(t)}`, (h) => h.setTimeouts(t), T, 'timeouts', s);
  const bad: Array<[string, unknown, ArgCode]> = [
    ['tcp', 0, R], ['tcp', -1, R], ['tcpFin', 2678401, R], ['udp', 1.5, R], ['tcp', '900', T], ['tcpFin', 120n, T], ['udp', null, T],
  ];
  for (const [k, v, code] of bad) arg(`setTimeouts: ${k} ${show(v)}`, (h) => h.setTimeouts({ [k]: v }), code, `timeouts.${k}`, s);
  arg('setTimeouts: tcp valid, udp 0', (h) => h.setTimeouts({ tcp: 901, udp: 0 }), R, 'timeouts.udp', s);
  arg('setTimeouts: tcp and tcpFin valid, udp "300"', (h) => h.setTimeouts({ tcp: 901, tcpFin: 121, udp: '300' }), T, 'timeouts.udp', s);
  for (const k of ['tcpfin', 'TCP', 'sctp']) arg(`setTimeouts: unknown property ${k}`, (h) => h.setTimeouts({ [k]: 60 }), V, `timeouts.${k}`, s);
  arg('setTimeouts: valid fields and an unknown one', (h) => h.setTimeouts({ tcp: 901, tcpFin: 121, udp: 301, extra: 1 }), V, 'timeouts.extra', s);
}

// ---------------------------------------------------------------------------
category = 'sync daemons';
{
  const s = { state: 'daemons' } as const;
  // Backup specs: the base table runs a master only, so a backup that wrongly started would show.
  const backup = (env: Env, extra: object) => ({ state: 'backup', interface: env.iface, ...extra });
  for (const d of [undefined, null, 'master']) arg(`startDaemon: ${show(d)}`, (h) => h.startDaemon(d), T, 'daemon', s);
  arg('startDaemon: no state', (h, env) => h.startDaemon({ interface: env.iface }), T, 'daemon.state', s);
  for (const st of ['slave', 'both', 'backup\0']) arg(`startDaemon: state ${show(st)}`, (h, env) => h.startDaemon({ state: st, interface: env.iface }), V, 'daemon.state', s);
  for (const st of [2, null]) arg(`startDaemon: state ${show(st)}`, (h, env) => h.startDaemon({ state: st, interface: env.iface }), T, 'daemon.state', s);
  arg('startDaemon: no interface', (h) => h.startDaemon({ state: 'backup' }), T, 'daemon.interface', s);
  for (const i of ['', 'a'.repeat(16), 'bi 0', 'bi/0', '..', 'bi0\0', 'ĩĩĩĩĩĩĩĩ']) {
    arg(`startDaemon: interface ${show(i)}`, (h) => h.startDaemon({ state: 'backup', interface: i }), V, 'daemon.interface', s);
  }
  for (const i of [7, null]) arg(`startDaemon: interface ${show(i)}`, (h) => h.startDaemon({ state: 'backup', interface: i }), T, 'daemon.interface', s);
  const nums: Array<[string, unknown, ArgCode]> = [
    ['syncId', -1, R], ['syncId', 256, R], ['syncId', '5', T], ['maxLength', 0, R], ['maxLength', 65508, R],
    ['port', 0, R], ['port', 65536, R], ['port', '8848', T], ['ttl', 0, R], ['ttl', 256, R], ['ttl', true, T],
  ];
  for (const [k, v, code] of nums) arg(`startDaemon: ${k} ${show(v)}`, (h, env) => h.startDaemon(backup(env, { [k]: v })), code, `daemon.${k}`, s);
  for (const g of ['10.0.0.1', '2001:db8::1', 'ff02::1%bi0', '240.0.0.1', 'ff0::1', '::ffff:224.0.0.81']) {
    arg(`startDaemon: group ${show(g)}`, (h, env) => h.startDaemon(backup(env, { group: g })), V, 'daemon.group', s);
  }
  for (const g of [3758096465, null]) arg(`startDaemon: group ${show(g)}`, (h, env) => h.startDaemon(backup(env, { group: g })), T, 'daemon.group', s);
  for (const k of ['mcast', 'syncid']) arg(`startDaemon: unknown property ${k}`, (h, env) => h.startDaemon(backup(env, { [k]: 1 })), V, `daemon.${k}`, s);

  for (const st of [undefined, null, 1]) arg(`stopDaemon: ${show(st)}`, (h) => h.stopDaemon(st), T, 'state', s);
  for (const st of ['both', 'MASTER', 'master\0']) arg(`stopDaemon: ${show(st)}`, (h) => h.stopDaemon(st), V, 'state', s);

  kernel('startDaemon: master already running', (h, env) => h.startDaemon({ state: 'master', interface: env.iface }), 'EEXIST', { ...s, message: 'already running' });
  kernel('startDaemon: master already running, other settings', (h, env) => h.startDaemon({ state: 'master', interface: env.iface, syncId: 9, group: '239.9.9.9', port: 9000 }), 'EEXIST', s);
  kernel('startDaemon: backup on an unknown interface', (h) => h.startDaemon({ state: 'backup', interface: 'nosuchif0' }), 'ENODEV', { ...s, message: 'no such interface' });
  kernel('startDaemon: backup with an IPv6 group on an unknown interface', (h) => h.startDaemon({ state: 'backup', interface: 'nosuchif1', group: 'ff02::1:81' }), 'ENODEV', s);
  kernel('stopDaemon: backup not running', (h) => h.stopDaemon('backup'), 'ESRCH', { ...s, message: 'no daemon is running' });
  // In the other namespace, whose table has a mixed-family destination: no daemon may start.
  const other = { state: 'other', message: 'mixed address families' } as const;
  kernel('startDaemon: master with mixed-family destinations (other namespace)', (_h, env) => env.other.startDaemon({ state: 'master', interface: 'lo' }), 'EINVAL', other);
  kernel('startDaemon: backup with mixed-family destinations (other namespace)', (_h, env) => env.other.startDaemon({ state: 'backup', interface: 'lo', syncId: 3 }), 'EINVAL', other);
  kernel('stopDaemon: master not running (other namespace)', (_h, env) => env.other.stopDaemon('master'), 'ESRCH', { state: 'other' });
}

// ---------------------------------------------------------------------------
category = 'kernel: services and destinations';
{
  const exists = { message: 'service already exists' };
  kernel('addService: duplicate TCP service', (h) => h.addService(web), 'EEXIST', exists);
  kernel('addService: duplicate with other settings', (h) => h.addService({ ...web, scheduler: 'rr' }), 'EEXIST', exists);
  kernel('addService: duplicate UDP service', (h) => h.addService(dns), 'EEXIST', exists);
  kernel('addService: duplicate SCTP service', (h) => h.addService({ ...sctp, scheduler: 'rr' }), 'EEXIST', exists);
  kernel('addService: duplicate IPv6 service, upper case', (h) => h.addService({ ...web6, address: '2001:DB8::10' }), 'EEXIST', exists);
  kernel('addService: duplicate IPv6 service, written out', (h) => h.addService({ ...web6, address: '2001:db8:0:0:0:0:0:10' }), 'EEXIST', exists);
  kernel('addService: duplicate IPv6 UDP service', (h) => h.addService(dns6), 'EEXIST', exists);
  kernel('addService: duplicate fwmark service', (h) => h.addService(fwm4), 'EEXIST', exists);
  kernel('addService: duplicate IPv6 fwmark service', (h) => h.addService({ ...fwm6, scheduler: 'rr' }), 'EEXIST', exists);
  kernel('addService: duplicate port-0 service', (h) => h.addService({ ...anyPort, persistence: { timeout: 10 } }), 'EEXIST', exists);
  kernel('addService: duplicate sip service', (h) => h.addService({ ...sip, persistence: { timeout: 30 }, pe: 'sip' }), 'EEXIST', { ...exists, needs: 'sip' });

  const none = { message: 'no such service' };
  kernel('updateService: missing service', (h) => h.updateService(MISSING), 'ESRCH', none);
  kernel('updateService: protocol of another service', (h) => h.updateService({ ...web, protocol: 'udp' }), 'ESRCH', none);
  kernel('updateService: fwmark 10 as IPv6', (h) => h.updateService({ ...fwm4, family: 'inet6' }), 'ESRCH', none);
  kernel('deleteService: missing service', (h) => h.deleteService(MISSING), 'ESRCH', none);
  kernel('deleteService: another port', (h) => h.deleteService({ ...web6, port: 444 }), 'ESRCH', none);
  kernel('deleteService: SCTP on the TCP address', (h) => h.deleteService({ ...sctp, address: '192.0.2.10' }), 'ESRCH', none);
  kernel('deleteService: fwmark 20 as IPv4', (h) => h.deleteService({ fwmark: 20 }), 'ESRCH', none);
  kernel('service: missing service', (h) => h.service(MISSING), 'ESRCH', none);
  kernel('service: missing fwmark', (h) => h.service({ fwmark: 99 }), 'ESRCH', none);
  kernel('destinations: missing service', (h) => h.destinations(MISSING), 'ESRCH', none);
  kernel('zero: missing service', (h) => h.zero(MISSING), 'ESRCH', none);
  kernel('zero: missing IPv6 fwmark', (h) => h.zero({ fwmark: 10, family: 'inet6' }), 'ESRCH', none);
  kernel('addDestination: missing service', (h) => h.addDestination(MISSING, D), 'ESRCH', { message: 'service not defined' });
  kernel('addDestination: missing fwmark', (h) => h.addDestination({ fwmark: 99 }, { ...D, port: 0 }), 'ESRCH');
  kernel('updateDestination: missing service', (h) => h.updateDestination(MISSING, w1), 'ESRCH');
  kernel('deleteDestination: missing service', (h) => h.deleteDestination(MISSING, w1), 'ESRCH');

  const destExists = { message: 'destination already exists' };
  kernel('addDestination: duplicate destination', (h) => h.addDestination(web, w1), 'EEXIST', destExists);
  kernel('addDestination: duplicate with other settings', (h) => h.addDestination(web, { ...w2, forwarding: 'masq', weight: 9 }), 'EEXIST', destExists);
  kernel('addDestination: duplicate IPv6, upper case', (h) => h.addDestination(web6, { ...v6a, address: '2001:DB8:1::1' }), 'EEXIST', destExists);
  kernel('addDestination: duplicate GRE tunnel', (h) => h.addDestination(web6, v6gre), 'EEXIST', destExists);
  kernel('addDestination: duplicate on a fwmark service', (h) => h.addDestination(fwm4, fw4r), 'EEXIST', destExists);
  const noDest = { message: 'no such destination' };
  kernel('updateDestination: missing destination', (h) => h.updateDestination(web, D), 'ENOENT', noDest);
  kernel('updateDestination: another port', (h) => h.updateDestination(web, { ...w1, port: 8081 }), 'ENOENT', noDest);
  kernel('updateDestination: destination of another service', (h) => h.updateDestination(dns, { ...w1, port: 53 }), 'ENOENT', noDest);
  kernel('deleteDestination: missing destination', (h) => h.deleteDestination(web, D), 'ENOENT', noDest);
  kernel('deleteDestination: destination of another service', (h) => h.deleteDestination(dns, { address: w1.address, port: 53 }), 'ENOENT', noDest);
  kernel('deleteDestination: IPv6 fwmark, another port', (h) => h.deleteDestination(fwm6, { address: '2001:db8:1::3', port: 1 }), 'ENOENT', noDest);
  kernel('updateDestination: to a multicast address (missing)', (h) => h.updateDestination(web, { ...D, address: '224.0.0.1' }), 'ENOENT', noDest);
}

// ---------------------------------------------------------------------------
category = 'batch';
{
  arg('batch.run: window 0', (h) => h.batch().addService(NEW).run({ window: 0 }), R, 'options.window');
  arg('batch.run: window 4097', (h) => h.batch().addService(NEW).run({ window: 4097 }), R, 'options.window');
  arg('batch.run: window 1.5', (h) => h.batch().addService(NEW).run({ window: 1.5 }), R, 'options.window');
  arg('batch.run: window "1024"', (h) => h.batch().addService(NEW).run({ window: '1024' }), T, 'options.window');
  arg('batch.run: ackEach "yes"', (h) => h.batch().addService(NEW).run({ ackEach: 'yes' }), T, 'options.ackEach');
  arg('batch.run: unknown option mode', (h) => h.batch().addService(NEW).run({ mode: 'fast' }), V, 'options.mode');
  arg('batch.run: options null', (h) => h.batch().addService(NEW).run(null), T, 'options');
  arg('batch.run: options "fast"', (h) => h.batch().addService(NEW).run('fast'), T, 'options');
  arg('batch: a valid operation queued before a bad one', (h) => h.batch().addService(NEW).addService({ ...NEW6, port: -1 }), R, 'service.port', { throws: true });

  batchKernel('batch.addService: duplicate service', (h) => h.batch().addService(web).run(), 'EEXIST', 'addService', { message: '#0 addService TCP 192.0.2.10:80: service already exists [EEXIST]' });
  batchKernel('batch.deleteService: missing service', (h) => h.batch().deleteService(MISSING).run(), 'ESRCH', 'deleteService');
  batchKernel('batch.addDestination: duplicate destination', (h) => h.batch().addDestination(web, w1).run(), 'EEXIST', 'addDestination');
  batchKernel('batch.updateDestination: missing destination', (h) => h.batch().updateDestination(web, D).run(), 'ENOENT', 'updateDestination');
  batchKernel('batch.deleteDestination: missing service', (h) => h.batch().deleteDestination(MISSING, D).run(), 'ESRCH', 'deleteDestination');
  batchKernel('batch.addDestination: multicast destination', (h) => h.batch().addDestination(web, { ...D, address: '239.1.1.1' }).run(), 'EINVAL', 'addDestination');
  batchKernel(
    'batch: three refused operations',
    (h) => h.batch().addService(web).addService({ ...fwm6, scheduler: 'rr' }).deleteService(MISSING).run({ window: 2 }),
    'EEXIST',
    'addService',
    { failures: 3, message: '3 of 3 operations failed' },
  );
  batchKernel('batch: refused operations with ackEach', (h) => h.batch().deleteDestination(web, D).updateService(MISSING).run({ ackEach: true }), 'ENOENT', 'deleteDestination', { failures: 2 });
}

// ---------------------------------------------------------------------------
category = 'apply';
{
  arg('apply: desired undefined', (h) => h.apply(undefined), T, 'desired');
  // Not an array: the lib answers ERR_INVALID_ARG_VALUE ('must be an array of services').
  for (const d of [null, 'all', {}, 5]) arg(`apply: desired ${show(d)}`, (h) => h.apply(d), V, 'desired');
  arg('apply: desired [null]', (h) => h.apply([null]), T, 'desired[0]');
  arg('apply: desired [5]', (h) => h.apply([5]), T, 'desired[0]');
  arg('apply: port 70000', (h) => h.apply([{ ...NEW, port: 70000 }]), R, 'desired[0].port');
  arg('apply: second service protocol "icmp"', (h) => h.apply([webSpec, { ...NEW, protocol: 'icmp' }]), V, 'desired[1].protocol');
  arg('apply: a service listed twice', (h) => h.apply([webSpec, web6Spec, webSpec]), V, 'desired[2]', { message: 'listed twice' });
  arg('apply: the same service written two ways', (h) => h.apply([web6Spec, { ...web6Spec, address: '2001:DB8::10' }]), V, 'desired[1]', { message: 'listed twice' });
  arg('apply: destinations "all"', (h) => h.apply([{ ...webSpec, destinations: 'all' }]), V, 'desired[0].destinations');
  arg('apply: destinations [null]', (h) => h.apply([{ ...webSpec, destinations: [null] }]), T, 'desired[0].destinations[0]');
  arg('apply: a destination listed twice', (h) => h.apply([{ ...webSpec, destinations: [w1, w2, w1] }]), V, 'desired[0].destinations[2]', { message: 'listed twice' });
  arg('apply: destination weight -1', (h) => h.apply([{ ...webSpec, destinations: [w1, { ...w2, weight: -1 }] }]), R, 'desired[0].destinations[1].weight');
  arg('apply: mixed-family masq destination', (h) => h.apply([{ ...web6Spec, destinations: [{ address: '198.51.100.9', port: 443 }] }]), V, 'desired[0].destinations[0].address');
  arg('apply: destination port "53"', (h) => h.apply([{ ...dnsSpec, destinations: [{ ...dns1, port: '53' }] }]), T, 'desired[0].destinations[0].port');
  arg('apply: scheduler ""', (h) => h.apply([{ ...NEW, scheduler: '' }]), V, 'desired[0].scheduler');
  arg('apply: unknown property dests', (h) => h.apply([{ ...NEW, dests: [] }]), V, 'desired[0].dests');
  arg('apply: fwmark with address', (h) => h.apply([{ ...fwm4, address: '192.0.2.10' }]), V, 'desired[0].address');
  arg('apply: GUE destination without port', (h) => h.apply([{ ...web6Spec, destinations: [{ ...v6gue, tunnel: { type: 'gue' } }] }]), V, 'desired[0].destinations[0].tunnel.port');
  arg('apply: bad input with dryRun', (h) => h.apply([{ ...NEW, port: -1 }], { dryRun: true }), R, 'desired[0].port');
  arg('apply: prune "yes"', (h) => h.apply([], { prune: 'yes' }), T, 'options.prune');
  arg('apply: dryRun 1', (h) => h.apply([webSpec], { dryRun: 1 }), T, 'options.dryRun');
  arg('apply: unknown option force', (h) => h.apply([], { force: true }), V, 'options.force');
  arg('apply: options null', (h) => h.apply([], null), T, 'options');
  arg('apply: options "prune"', (h) => h.apply([], 'prune'), T, 'options');

  const rolled = { message: 'rolled back' };
  applyKernel('apply: new service, scheduler "nosuch"', (h) => h.apply([{ ...NEW, scheduler: 'nosuch' }]), 'ENOENT', 'addService', rolled);
  applyKernel('apply: update to scheduler "nosuch"', (h) => h.apply([{ ...webSpec, scheduler: 'nosuch' }]), 'ENOENT', 'updateService', rolled);
  applyKernel(
    'apply: new service with a multicast destination',
    (h) => h.apply([{ ...NEW, scheduler: 'rr', destinations: [D, { address: '224.0.0.9', port: 8080 }] }]),
    'EINVAL',
    'addDestination',
    rolled,
  );
  applyKernel(
    'apply: link-local destination added to an IPv6 service',
    (h) => h.apply([{ ...web6Spec, destinations: [v6a, v6gue, v6gre, { address: 'fe80::9', port: 443 }] }]),
    'EINVAL',
    'addDestination',
    rolled,
  );
  applyKernel(
    'apply: a weight changed and a service with pe "nosuch"',
    (h) => h.apply([{ ...dnsSpec, destinations: [{ ...dns1, weight: 7 }] }, { ...NEW, protocol: 'udp', persistence: { timeout: 60 }, pe: 'nosuch' }]),
    'ENOENT',
    'addService',
    rolled,
  );
  applyKernel(
    'apply: prune with a refused update',
    (h) => h.apply([{ ...webSpec, scheduler: 'nosuch' }], { prune: true }),
    'ENOENT',
    'updateService',
    rolled,
  );
}

// ---------------------------------------------------------------------------
category = 'connections';
{
  const q: Array<[unknown, ArgCode, string]> = [
    [null, T, 'query'], [[], T, 'query'],
    [{ svc: {} }, V, 'query.svc'], [{ service: 'web' }, T, 'query.service'],
    [{ service: { fwmark: 10 } }, V, 'query.service'], [{ service: { protocol: 'icmp' } }, V, 'query.service.protocol'],
    [{ service: { protocol: 6 } }, T, 'query.service.protocol'], [{ service: { address: '192.0.2.300' } }, V, 'query.service.address'],
    [{ service: { port: 65536 } }, R, 'query.service.port'], [{ service: { family: 'ipv4' } }, V, 'query.service.family'],
    [{ service: { scheduler: 'rr' } }, V, 'query.service.scheduler'], [{ destination: { protocol: 'tcp' } }, V, 'query.destination.protocol'],
    [{ destination: { port: '80' } }, T, 'query.destination.port'],
    [{ client: { family: 'inet' } }, V, 'query.client.family'], [{ client: { port: -1 } }, R, 'query.client.port'],
    [{ client: { address: 'localhost' } }, V, 'query.client.address'], [{ state: 5 }, T, 'query.state'],
    [{ state: ['ESTABLISHED', null] }, T, 'query.state[1]'], [{ template: 'yes' }, T, 'query.template'],
    [{ withOrigin: 1 }, T, 'query.withOrigin'],
  ];
  for (const [query, code, field] of q) arg(`connections: ${show(query)}`, (h) => h.connections(query), code, field);
  const eachOf = (query: unknown): Call => (h) => {
    const it = h.eachConnection(query) as AsyncGenerator;
    return it.next().finally(() => it.return(undefined));
  };
  for (const [query, code, field] of [[null, T, 'query'], [{ template: 1 }, T, 'query.template'], [{ service: { port: -1 } }, R, 'query.service.port'], [{ states: [] }, V, 'query.states']] as const) {
    arg(`eachConnection: ${show(query)}`, eachOf(query), code, field);
  }
}

// ---------------------------------------------------------------------------
category = 'watch';
{
  const w = (options: unknown): Call => (h) => h.watch(options).close();
  for (const [o, code, field] of [[null, T, 'options'], [1000, T, 'options'], [{ interval: 99 }, R, 'options.interval'], [{ interval: 86400001 }, R, 'options.interval'], [{ interval: 1000.5 }, R, 'options.interval'], [{ interval: '1000' }, T, 'options.interval'], [{ every: 1 }, V, 'options.every']] as const) {
    arg(`watch: ${show(o)}`, w(o), code, field, { throws: true });
  }
}

// ---------------------------------------------------------------------------
category = 'open options';
{
  const o = (options: unknown): Call => async () => (await open(options)).close();
  for (const v of [null, 'netns', 5]) arg(`Ipvs.open: ${show(v)}`, o(v), T, 'options');
  for (const t of [0, 3600001, 1.5]) arg(`Ipvs.open: timeout ${show(t)}`, o({ timeout: t }), R, 'options.timeout');
  for (const t of ['30000', null]) arg(`Ipvs.open: timeout ${show(t)}`, o({ timeout: t }), T, 'options.timeout');
  for (const n of ['', '/run/netns/x\0']) arg(`Ipvs.open: netns ${show(n)}`, o({ netns: n }), V, 'options.netns');
  for (const n of [-1, 2 ** 31]) arg(`Ipvs.open: netns ${show(n)}`, o({ netns: n }), R, 'options.netns');
  for (const n of [true, null, {}]) arg(`Ipvs.open: netns ${show(n)}`, o({ netns: n }), T, 'options.netns');
  arg('Ipvs.open: unknown option netnsPath', o({ netnsPath: '/x' }), V, 'options.netnsPath');
  arg('Ipvs.open: unknown option namespace', o({ timeout: 1000, namespace: 'x' }), V, 'options.namespace');
  kernel('open: netns path that does not exist', o({ netns: '/run/netns/ipvs-bad-input-none' }), 'ENOENT', { syscall: 'open' });
  kernel('open: netns a mount namespace', o({ netns: '/proc/self/ns/mnt' }), 'EINVAL', { syscall: 'setns', message: 'not a network namespace' });
  kernel('open: netns a regular file', o({ netns: '/etc/hostname' }), 'EINVAL', { syscall: 'setns' });
  kernel('open: netns a directory', o({ netns: '/' }), 'EINVAL', { syscall: 'setns' });
  kernel('open: netns /dev/null', o({ netns: '/dev/null' }), 'EINVAL', { syscall: 'setns' });
  kernel('open: netns fd not open', o({ netns: 987654 }), 'EBADF', { syscall: 'fcntl' });
}

// ---------------------------------------------------------------------------
category = 'closed handle';
{
  closed('addService: closed handle', (_h, env) => env.closed.addService(NEW), 'addService');
  closed('deleteService: closed handle', (_h, env) => env.closed.deleteService(web), 'deleteService');
  closed('addDestination: closed handle', (_h, env) => env.closed.addDestination(web, D), 'addDestination');
  closed('updateDestination: closed handle', (_h, env) => env.closed.updateDestination(web, { ...w1, weight: 0 }), 'updateDestination');
  closed('setTimeouts: closed handle', (_h, env) => env.closed.setTimeouts({ tcp: 901 }), 'setTimeouts', { state: 'timeouts' });
  closed('startDaemon: closed handle', (_h, env) => env.closed.startDaemon({ state: 'backup', interface: env.iface }), 'startDaemon', { state: 'daemons' });
  closed('stopDaemon: closed handle', (_h, env) => env.closed.stopDaemon('master'), 'stopDaemon', { state: 'daemons' });
  closed('zero: closed handle', (_h, env) => env.closed.zero(), 'zero');
  closed('flush: closed handle', (_h, env) => env.closed.flush(), 'flush');
  closed('batch.run: closed handle', (_h, env) => env.closed.batch().deleteService(web).run(), 'batch');
  closed('apply: closed handle', (_h, env) => env.closed.apply([], { prune: true }), 'snapshot');
  closed('connections: closed handle', (_h, env) => env.closed.connections(), 'connections');
  closed('watch: closed handle', (_h, env) => env.closed.watch().close(), 'watch', { throws: true });
  arg('addService: closed handle, bad port (arguments come first)', (_h, env) => env.closed.addService({ ...NEW, port: -1 }), R, 'service.port');
}

// ---------------------------------------------------------------------------
// Accepted by the lib today but refused by ipvsadm ("Zero port specified for
// non-persistent service") and useless in the kernel (ip_vs_schedule: "port
// zero only supported in persistent services"): expected to be refused.
category = 'port 0 without persistence';
{
  arg('addService: port 0 without persistence', (h) => h.addService({ ...NEW, port: 0 }), V, 'service.port');
  arg('addService: IPv6 UDP port 0 without persistence', (h) => h.addService({ ...NEW6, protocol: 'udp', port: 0, scheduler: 'rr' }), V, 'service.port');
  arg('updateService: port-0 service made non-persistent', (h) => h.updateService({ ...anyPort, scheduler: 'rr' }), V, 'service.port');
  arg('batch.addService: SCTP port 0 without persistence', (h) => h.batch().addService({ ...NEW, protocol: 'sctp', port: 0 }), V, 'service.port', { throws: true });
  arg('apply: port 0 without persistence', (h) => h.apply([{ ...NEW, port: 0 }]), V, 'desired[0].port');
}

export { CASES };
