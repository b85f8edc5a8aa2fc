/**
 * connections() queries -> a row predicate. Addresses are compared in the
 * form the rows use (inet_ntop's), so '2001:db8:0::1' finds '2001:db8::1'.
 * @module
 */
import { SocketAddress } from 'node:net';
import { PROTOCOL } from '../constants';
import type { Connection, Protocol } from '../types';
import { invalidType, invalidValue } from '../errors';
import { address, family } from './address';
import { boolean, integer, knownKeys, object, oneOf } from './primitives';

export interface CheckedQuery {
  withOrigin: boolean;
  /** Undefined when every row is wanted. */
  keep?: (c: Connection) => boolean;
}

type Test = (c: Connection) => boolean;

function canonical(name: string, v: unknown): string {
  const a = address(name, v);
  return a.family === 'inet6' ? new SocketAddress({ address: a.address, family: 'ipv6' }).address : a.address;
}

/** Tests for an { address?, port?, family? } endpoint on one side of the connection. */
function endpoint(name: string, v: unknown, addr: 'clientAddress' | 'virtualAddress' | 'destinationAddress', port: 'clientPort' | 'virtualPort' | 'destinationPort', extra: string[] = []): Test[] {
  if (v === undefined) return [];
  const o = object(name, v);
  if (o.fwmark !== undefined) {
    throw invalidValue(name, o, "cannot be a fwmark service: connections carry the packet's address, not its mark (filter by destination)");
  }
  knownKeys(name, o, new Set(['address', 'port', ...extra]));
  const tests: Test[] = [];
  if (o.address !== undefined) {
    const want = canonical(`${name}.address`, o.address);
    tests.push((c) => c[addr] === want);
  }
  if (o.port !== undefined) {
    const want = integer(`${name}.port`, o.port, 0, 65535);
    tests.push((c) => c[port] === want);
  }
  const fam = family(`${name}.family`, o.family);
  if (fam !== undefined) tests.push((c) => c[addr].includes(':') === (fam === 'inet6'));
  return tests;
}

export function checkConnectionQuery(v: unknown): CheckedQuery {
  if (v === undefined) return { withOrigin: false };
  const q = object('query', v);
  knownKeys('query', q, new Set(['service', 'destination', 'client', 'state', 'template', 'withOrigin']));
  const tests: Test[] = [
    ...endpoint('query.service', q.service, 'virtualAddress', 'virtualPort', ['protocol', 'family']),
    ...endpoint('query.destination', q.destination, 'destinationAddress', 'destinationPort', ['family']),
    ...endpoint('query.client', q.client, 'clientAddress', 'clientPort'),
  ];
  const protocol = (q.service as { protocol?: unknown } | undefined)?.protocol;
  if (protocol !== undefined) {
    const want: Protocol = oneOf('query.service.protocol', protocol, Object.keys(PROTOCOL) as Protocol[]);
    tests.push((c) => c.protocol === want);
  }
  if (q.state !== undefined) {
    const list = Array.isArray(q.state) ? q.state : [q.state];
    list.forEach((s, i) => {
      if (typeof s !== 'string') throw invalidType(Array.isArray(q.state) ? `query.state[${i}]` : 'query.state', 'of type string', s);
    });
    const states = new Set(list as string[]);
    tests.push((c) => states.has(c.state));
  }
  if (q.template !== undefined) {
    const want = boolean('query.template', q.template);
    tests.push((c) => c.template === want);
  }
  const withOrigin = boolean('query.withOrigin', q.withOrigin);
  if (tests.length === 0) return { withOrigin };
  return { withOrigin, keep: (c) => tests.every((t) => t(c)) };
}
