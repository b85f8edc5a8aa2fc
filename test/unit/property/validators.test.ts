// Properties of argument validation (lib/validate/): for any value the
// checks either accept or throw the documented argument error (TypeError
// ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, RangeError ERR_OUT_OF_RANGE)
// naming a property of the argument; a valid input with exactly one field
// made invalid is refused with the error of that field, naming it; valid
// inputs are accepted with the kernel values the documentation gives, the
// same frozen or not, without being modified; a key read back validates to
// the same key (normalization is idempotent); connection queries keep
// exactly the rows a reference filter keeps.
import { SocketAddress } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publicServiceKey } from '../../../lib/convert';
import type { Connection } from '../../../lib/types';
import { addressFamily, canonicalAddress } from '../../../lib/validate/address';
import { checkConnectionQuery } from '../../../lib/validate/connection-query';
import { checkDaemonSpec } from '../../../lib/validate/daemon';
import { checkDestinationKey, checkDestinationSpec } from '../../../lib/validate/destination';
import { checkOpenOptions } from '../../../lib/validate/open';
import { checkServiceKey, checkServiceSpec } from '../../../lib/validate/service';
import { checkTimeouts } from '../../../lib/validate/timeouts';
import { attempt, dotted, expectArgumentError, ipv6Words, runs, spellV6, v6Spelling, weirdValue } from './support';

type Code = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' | 'ERR_OUT_OF_RANGE';
/** An invalid value for a field and the error it must bring. */
interface Bad {
  value: unknown;
  code: Code;
}
const TYPE: Code = 'ERR_INVALID_ARG_TYPE';
const VALUE: Code = 'ERR_INVALID_ARG_VALUE';
const RANGE: Code = 'ERR_OUT_OF_RANGE';

// ---------------------------------------------------------------------------
// Invalid values, by what a field takes.

const present = weirdValue.filter((v) => v !== undefined);
const typed = (arb: fc.Arbitrary<unknown>, code: Code): fc.Arbitrary<Bad> => arb.map((value) => ({ value, code }));

function badInteger(min: number, max: number): fc.Arbitrary<Bad> {
  const outside = fc
    .oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, min - 1, max + 1, min + 0.5, max - 0.5, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.EPSILON))
    .filter((v) => !(Number.isInteger(v) && v >= min && v <= max));
  return fc.oneof(typed(present.filter((v) => typeof v !== 'number'), TYPE), typed(outside, RANGE));
}

const badOneOf = (values: readonly string[]) =>
  fc.oneof(typed(present.filter((v) => typeof v !== 'string'), TYPE), typed(fc.oneof(fc.string(), fc.constantFrom(...values.map((v) => v.toUpperCase()), ` ${values[0]}`, '')).filter((s) => !values.includes(s)), VALUE));

/** Scheduler and PE names: 1..15 bytes, no NUL. */
const badModuleName = fc.oneof(
  typed(present.filter((v) => typeof v !== 'string'), TYPE),
  typed(fc.oneof(fc.constant(''), fc.string().map((s) => `${s}\0`), fc.string({ minLength: 16, maxLength: 30 }), fc.constantFrom('é'.repeat(8), '\u{1F600}'.repeat(4))), VALUE),
);

const badAddress = fc.oneof(
  typed(present.filter((v) => typeof v !== 'string'), TYPE),
  typed(fc.oneof(fc.string(), fc.ipV4Extended(), fc.constantFrom('10.0.0.300', '[2001:db8::1]', 'fe80::1%eth0', 'example.com', ' 10.0.0.1', '::1 ', '1::2::3')).filter((s) => addressFamily(s) === undefined), VALUE),
);

const badBoolean = typed(present.filter((v) => typeof v !== 'boolean'), TYPE);
const badObject = typed(present.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), TYPE);
const badFamily = typed(present.filter((v) => v !== 'inet' && v !== 'inet6'), VALUE);

/** A property name none of `allowed`, with a value: refused as unknown. */
const unknownKey = (allowed: readonly string[]) =>
  fc.tuple(
    fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('wieght', 'Port', 'adress', 'toString', 'constructor', 'hasOwnProperty', '0')).filter((k) => !allowed.includes(k) && k !== '__proto__' && !k.includes('"')),
    present,
  );

// ---------------------------------------------------------------------------
// Valid inputs.

const port = fc.integer({ min: 0, max: 65535 });
const v4Text = fc.integer({ min: 0, max: 0xffffffff }).map(dotted);
const addressText = fc.oneof(v4Text, v6Spelling.map((s) => s.text));
const moduleName = fc.oneof(fc.constantFrom('rr', 'wrr', 'lc', 'wlc', 'sh', 'mh', 'twos', 'sip'), fc.string({ minLength: 1, maxLength: 15 }).filter((s) => !s.includes('\0') && Buffer.byteLength(s) <= 15));
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Drops undefined-valued properties (the validators treat them as absent; so must the expectations). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const AF = { inet: 2, inet6: 10 } as const;
const PROTO = { tcp: 6, udp: 17, sctp: 132 } as const;
const prefixMask = (p: number) => (p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0);

const serviceKey = fc.oneof(
  fc.record({ protocol: fc.constantFrom('tcp', 'udp', 'sctp'), address: addressText, port, declare: fc.boolean() }).map(({ declare, ...k }) => defined({ ...k, family: declare ? addressFamily(k.address) : undefined })),
  fc.record({ fwmark: fc.oneof(fc.integer({ min: 1, max: 0xffffffff }), fc.constantFrom(1, 0xffffffff)), family: opt(fc.constantFrom('inet', 'inet6')) }).map(defined),
) as fc.Arbitrary<Record<string, unknown>>;

/** A valid service spec, and the raw object (kernel values) the documentation says it becomes. */
const serviceSpec = fc
  .record({
    key: serviceKey,
    scheduler: opt(moduleName),
    pe: opt(moduleName),
    persistent: fc.boolean(),
    timeout: fc.integer({ min: 1, max: 2678400 }),
    netmask: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 128 }), fc.integer({ min: 0, max: 0xffffffff }).map(dotted)),
    flags: opt(fc.record({ onePacket: opt(fc.boolean()), schedFlag1: opt(fc.boolean()), schedFlag2: opt(fc.boolean()), schedFlag3: opt(fc.boolean()) })),
    readBack: fc.boolean(),
  })
  .map((r) => {
    const fam = (r.key.fwmark !== undefined ? (r.key.family ?? 'inet') : addressFamily(r.key.address)) as 'inet' | 'inet6';
    // Port 0 only for a persistent service (as ipvsadm: the kernel could never schedule to it).
    const key = r.key.fwmark === undefined && r.key.port === 0 && !r.persistent ? { ...r.key, port: 1 } : r.key;
    // The netmask must suit the family: IPv6 prefix 1..128; IPv4 prefix 0..32 or dotted.
    let netmask: string | number | undefined = r.netmask;
    if (fam === 'inet6') netmask = typeof netmask === 'number' ? Math.max(1, netmask) : undefined;
    else if (typeof netmask === 'number') netmask %= 33;
    const flags = r.flags && defined(r.flags);
    // One-packet scheduling is for UDP and fwmark services only.
    if (flags?.onePacket && r.key.fwmark === undefined && r.key.protocol !== 'udp') flags.onePacket = false;
    const spec: Record<string, unknown> = defined({
      ...key,
      scheduler: r.scheduler,
      pe: r.pe,
      persistence: r.persistent ? defined({ timeout: r.timeout, netmask }) : undefined,
      flags,
      // Read-only fields of a Service read back are accepted (and ignored).
      ...(r.readBack && { stats: { connections: 0n }, destinations: [] }),
    });
    let rawMask = fam === 'inet6' ? 128 : 0xffffffff;
    if (r.persistent && netmask !== undefined) rawMask = fam === 'inet6' ? (netmask as number) : typeof netmask === 'number' ? prefixMask(netmask) : (netmask.split('.').reduce((a, o) => a * 256 + Number(o), 0));
    const f: { onePacket?: boolean; schedFlag1?: boolean; schedFlag2?: boolean; schedFlag3?: boolean } = flags ?? {};
    const raw = {
      family: AF[fam],
      protocol: r.key.fwmark !== undefined ? 0 : PROTO[r.key.protocol as 'tcp'],
      address: r.key.fwmark !== undefined ? '' : (r.key.address as string),
      port: r.key.fwmark !== undefined ? 0 : (key.port as number),
      fwmark: (r.key.fwmark as number | undefined) ?? 0,
      scheduler: r.scheduler ?? 'wlc',
      pe: r.pe ?? '',
      flags: (r.persistent ? 1 : 0) | (f.onePacket ? 4 : 0) | (f.schedFlag1 ? 8 : 0) | (f.schedFlag2 ? 0x10 : 0) | (f.schedFlag3 ? 0x20 : 0),
      timeout: r.persistent ? r.timeout : 0,
      netmask: rawMask,
    };
    return { spec, raw, family: fam };
  });

const FORWARDING = { masq: 0, local: 1, tunnel: 2, route: 3 } as const;
const MAX_INT = 2147483647;

/** A valid destination spec of a service of `family`, and its raw object. */
const destinationSpec = (family: 'inet' | 'inet6') =>
  fc
    .record({
      forwarding: opt(fc.constantFrom('masq', 'local', 'tunnel', 'route') as fc.Arbitrary<keyof typeof FORWARDING>),
      same: fc.oneof(v4Text, v6Spelling.map((s) => s.text)),
      other: fc.oneof(v4Text, v6Spelling.map((s) => s.text)),
      port,
      weight: opt(fc.integer({ min: 0, max: MAX_INT })),
      thresholds: opt(fc.tuple(fc.integer({ min: 0, max: MAX_INT }), fc.integer({ min: 0, max: MAX_INT }))),
      tunnel: opt(fc.record({ type: opt(fc.constantFrom('ipip', 'gue', 'gre')), port: fc.integer({ min: 1, max: 65535 }), checksum: opt(fc.constantFrom('none', 'csum', 'remcsum')) })),
      declare: fc.boolean(),
      readBack: fc.boolean(),
    })
    .map((r) => {
      const tunnelFwd = r.forwarding === 'tunnel';
      // Another family than the service's only for tunnels.
      const candidate = tunnelFwd ? r.other : r.same;
      const address = addressFamily(candidate) === family || tunnelFwd ? candidate : family === 'inet' ? '192.0.2.7' : '2001:db8::7';
      const fam = addressFamily(address)!;
      const [lo, hi] = r.thresholds ? [Math.min(...r.thresholds), Math.max(...r.thresholds)] : [undefined, undefined];
      let tunnel: Record<string, unknown> | undefined;
      let raw = { tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 };
      if (tunnelFwd && r.tunnel) {
        const type = r.tunnel.type ?? 'ipip';
        // ipvsadm's rules: IPIP takes no checksum option; GRE no remcsum; only GUE a port.
        const checksum = type === 'ipip' ? (r.tunnel.checksum === 'none' ? 'none' : undefined) : type === 'gre' && r.tunnel.checksum === 'remcsum' ? 'csum' : r.tunnel.checksum;
        tunnel = defined({ type: r.tunnel.type === undefined && type === 'ipip' ? undefined : type, checksum, port: type === 'gue' ? r.tunnel.port : undefined });
        raw = { tunnelType: { ipip: 0, gue: 1, gre: 2 }[type]!, tunnelPort: type === 'gue' ? r.tunnel.port : 0, tunnelFlags: { none: 0, csum: 1, remcsum: 2 }[checksum ?? 'none']! };
      }
      const spec: Record<string, unknown> = defined({
        address,
        port: r.port,
        family: r.declare ? fam : undefined,
        forwarding: r.forwarding,
        weight: r.weight,
        upperThreshold: hi,
        lowerThreshold: lo,
        tunnel,
        ...(r.readBack && { activeConnections: 1, inactiveConnections: 2, persistentConnections: 3, stats: {} }),
      });
      return {
        spec,
        raw: { family: AF[fam], address, port: r.port, forwarding: FORWARDING[r.forwarding ?? 'masq'], weight: r.weight ?? 1, upperThreshold: hi ?? 0, lowerThreshold: lo ?? 0, ...raw },
      };
    });

const interfaceName = fc.stringMatching(/^[A-Za-z0-9_.@-]{1,15}$/).filter((s) => s !== '.' && s !== '..');
const multicastGroup = fc.oneof(
  fc.tuple(fc.integer({ min: 224, max: 239 }), fc.integer({ min: 0, max: 0xffffff })).map(([a, rest]) => dotted(((a << 24) | rest) >>> 0)),
  fc.tuple(ipv6Words, fc.integer({ min: 0xff00, max: 0xffff }), fc.boolean(), fc.nat(3)).map(([w, first, upper, compress]) => spellV6([first, ...w.slice(1)], { upper, pad: false, compress, v4Tail: false })),
);

const daemonSpec = fc
  .record({ state: fc.constantFrom('master', 'backup'), interface: interfaceName, syncId: opt(fc.integer({ min: 0, max: 255 })), maxLength: opt(fc.integer({ min: 1, max: 65507 })), group: opt(multicastGroup), port: opt(fc.integer({ min: 1, max: 65535 })), ttl: opt(fc.integer({ min: 1, max: 255 })) })
  .map((r) => ({ spec: defined(r) as Record<string, unknown>, raw: { state: r.state === 'master' ? 1 : 2, interface: r.interface, syncId: r.syncId ?? 0, maxLength: r.maxLength ?? 0, group: r.group ?? '', port: r.port ?? 0, ttl: r.ttl ?? 0 } }));

const timeoutsSpec = fc
  .record({ tcp: opt(fc.integer({ min: 1, max: 2678400 })), tcpFin: opt(fc.integer({ min: 1, max: 2678400 })), udp: opt(fc.integer({ min: 1, max: 2678400 })) })
  .map((r) => ({ spec: defined(r) as Record<string, unknown>, raw: { tcp: r.tcp ?? 0, tcpFin: r.tcpFin ?? 0, udp: r.udp ?? 0 } }));

const openSpec = fc
  .record({ timeout: opt(fc.integer({ min: 1, max: 3_600_000 })), netns: opt(fc.oneof(fc.integer({ min: 0, max: MAX_INT }), fc.string({ minLength: 1 }).filter((s) => !s.includes('\0')))) })
  .map((r) => ({ spec: defined(r) as Record<string, unknown>, raw: defined({ timeoutMs: r.timeout ?? 30_000, netnsFd: typeof r.netns === 'number' ? r.netns : undefined, netnsPath: typeof r.netns === 'string' ? r.netns : undefined }) }));

// ---------------------------------------------------------------------------
// Helpers

/** `o` with the property at `path` set to `value` (objects on the way copied, or made). */
function withField(o: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  const copy = { ...o };
  if (rest.length === 0) Object.defineProperty(copy, head, { value, enumerable: true, writable: true, configurable: true });
  else {
    const inner = copy[head];
    copy[head] = withField(typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {}, rest, value);
  }
  return copy;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** The check refuses `input` with `code`, naming exactly `path`. */
function expectRefusal(check: () => unknown, top: string, path: string, code: Code): void {
  const r = attempt(check);
  if (r.ok) throw new Error(`accepted; expected ${code} naming "${path}"`);
  expect(expectArgumentError(r.error, top)).toBe(path);
  expect((r.error as { code: string }).code).toBe(code);
}

/** A corruption: where, what value, which error. */
type Corruption = { path: string[]; bad: Bad; named?: string };
const at = (path: string[], bad: fc.Arbitrary<Bad>): fc.Arbitrary<Corruption> => bad.map((b) => ({ path, bad: b }));
const unknownAt = (prefix: string[], allowed: readonly string[]) => unknownKey(allowed).map(([k, value]): Corruption => ({ path: [...prefix, k], bad: { value, code: VALUE } }));

/** Objects with keys a validator knows (and some it does not), holding values of every kind. */
function arbitraryObject(keys: readonly string[], values: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    weirdValue,
    fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 })).filter((k) => k !== '__proto__'), fc.oneof(values, weirdValue), { maxKeys: 8 }),
  );
}

const plausible = fc.oneof(port, fc.integer({ min: -2, max: 300 }), addressText, fc.constantFrom('tcp', 'udp', 'sctp', 'inet', 'inet6', 'master', 'backup', 'tunnel', 'gue', 'gre', 'csum', 'rr', 'eth0', 'ff02::1', '224.0.0.81', true, false, 0, 128, 2678401));

// ---------------------------------------------------------------------------

const SERVICE_KEYS = ['protocol', 'address', 'port', 'fwmark', 'family', 'scheduler', 'persistence', 'flags', 'pe', 'stats', 'destinations'];

describe('service keys and specs', () => {
  it('any value: accepted, or refused with a typed error naming a property of "service"', () => {
    const nested = fc.oneof(plausible, arbitraryObject(['timeout', 'netmask', 'onePacket', 'schedFlag1'], plausible));
    fc.assert(
      fc.property(arbitraryObject(SERVICE_KEYS, nested), (v) => {
        for (const check of [() => checkServiceKey(v), () => checkServiceSpec(v)]) {
          const r = attempt(check);
          if (!r.ok) expectArgumentError(r.error, 'service');
          else expect([2, 10]).toContain(r.value.raw.family);
        }
      }),
      runs(600),
    );
  });

  it('a valid spec becomes the documented kernel values, frozen or not, and is not modified', () => {
    fc.assert(
      fc.property(serviceSpec, ({ spec, raw, family }) => {
        const before = structuredClone(spec);
        expect(checkServiceSpec(spec)).toEqual({ raw, family });
        expect(spec).toEqual(before);
        expect(checkServiceSpec(deepFreeze(structuredClone(spec)))).toEqual({ raw, family });
        const key = checkServiceKey(spec);
        expect(key).toEqual({ raw: { family: raw.family, protocol: raw.protocol, address: raw.address, port: raw.port, fwmark: raw.fwmark }, family });
      }),
      runs(600),
    );
  });

  it('normalization is idempotent: a key read back (publicServiceKey) validates to the same key, its address canonical', () => {
    fc.assert(
      fc.property(serviceKey, (k) => {
        const raw1 = checkServiceKey(k).raw;
        const raw2 = checkServiceKey(publicServiceKey(raw1)).raw;
        expect(raw2).toEqual({ ...raw1, address: raw1.fwmark ? '' : canonicalAddress(raw1.address) });
        expect(checkServiceKey(publicServiceKey(raw2)).raw).toEqual(raw2);
      }),
      runs(600),
    );
  });

  const addressCorruptions = (fam: 'inet' | 'inet6') =>
    fc.oneof(
      at(['protocol'], badOneOf(['tcp', 'udp', 'sctp'])),
      at(['address'], badAddress),
      at(['port'], badInteger(0, 65535)),
      at(['family'], badFamily),
      at(['scheduler'], badModuleName),
      at(['pe'], badModuleName),
      at(['persistence'], badObject),
      at(['persistence', 'timeout'], badInteger(1, 2678400)),
      at(
        ['persistence', 'netmask'],
        fam === 'inet6'
          ? badInteger(1, 128)
          : fc.oneof(
              typed(present.filter((v) => typeof v !== 'number' && typeof v !== 'string'), TYPE),
              typed(fc.oneof(fc.double(), fc.integer()).filter((v) => !(Number.isInteger(v) && v >= 0 && v <= 32)), RANGE),
              typed(fc.string().filter((s) => addressFamily(s) !== 'inet'), VALUE),
            ),
      ),
      unknownAt(['persistence'], ['timeout', 'netmask']),
      at(['flags'], badObject),
      at(['flags', 'onePacket'], badBoolean),
      at(['flags', 'schedFlag2'], badBoolean),
      unknownAt(['flags'], ['onePacket', 'schedFlag1', 'schedFlag2', 'schedFlag3']),
      unknownAt([], SERVICE_KEYS),
    );

  it('a valid spec with one field made invalid is refused with that field\'s error, naming it', () => {
    const cases = serviceSpec.chain((s) =>
      fc.tuple(
        fc.constant(s),
        s.spec.fwmark !== undefined
          ? fc.oneof(
              at(['fwmark'], badInteger(1, 0xffffffff)),
              at(['family'], badFamily),
              // A fwmark service has no protocol, address or port: any is refused.
              fc.tuple(fc.constantFrom('protocol', 'address', 'port'), fc.oneof(present, plausible)).map(([k, value]): Corruption => ({ path: [k], bad: { value, code: VALUE } })),
              at(['scheduler'], badModuleName),
              unknownAt([], SERVICE_KEYS),
            )
          : addressCorruptions(s.family),
      ),
    );
    fc.assert(
      fc.property(cases, ([{ spec }, c]) => {
        // A persistence object, to hold a bad netmask or unknown key, needs its timeout.
        const base = c.path[0] === 'persistence' && c.path.length > 1 && spec.persistence === undefined ? withField(spec, ['persistence', 'timeout'], 60) : spec;
        expectRefusal(() => checkServiceSpec(withField(base, c.path, c.bad.value)), 'service', `service.${c.path.join('.')}`, c.bad.code);
      }),
      runs(600),
    );
  });

  it('relations: a declared family must match the address; one-packet scheduling only for UDP and fwmark services; port 0 only if persistent', () => {
    fc.assert(
      fc.property(serviceSpec.filter((s) => s.spec.fwmark === undefined), fc.constantFrom('onePacket', 'family', 'port0'), ({ spec, family }, relation) => {
        if (relation === 'port0') {
          const { persistence: _, ...plain } = withField(spec, ['port'], 0);
          expectRefusal(() => checkServiceSpec(plain), 'service', 'service.port', VALUE);
          expect(checkServiceKey(plain).raw.port).toBe(0); // a key may name such a service
          expect(checkServiceSpec(withField(plain, ['persistence'], { timeout: 300 })).raw.port).toBe(0);
        } else if (relation === 'onePacket') {
          const s = withField(withField(spec, ['protocol'], 'tcp'), ['flags', 'onePacket'], true);
          expectRefusal(() => checkServiceSpec(s), 'service', 'service.flags.onePacket', VALUE);
          expect(checkServiceSpec(withField(s, ['protocol'], 'udp')).raw.flags & 4).toBe(4);
        } else {
          expectRefusal(() => checkServiceKey(withField(spec, ['family'], family === 'inet' ? 'inet6' : 'inet')), 'service', 'service.family', VALUE);
        }
      }),
      runs(300),
    );
  });
});

const DEST_KEYS = ['address', 'port', 'family', 'forwarding', 'weight', 'upperThreshold', 'lowerThreshold', 'tunnel', 'activeConnections', 'inactiveConnections', 'persistentConnections', 'stats'];
const family = fc.constantFrom('inet', 'inet6') as fc.Arbitrary<'inet' | 'inet6'>;

describe('destination keys and specs', () => {
  it('any value: accepted, or refused with a typed error naming a property of "destination"', () => {
    fc.assert(
      fc.property(arbitraryObject(DEST_KEYS, fc.oneof(plausible, arbitraryObject(['type', 'port', 'checksum'], plausible))), family, (v, fam) => {
        for (const check of [() => checkDestinationKey(v), () => checkDestinationSpec(v, fam)]) {
          const r = attempt(check);
          if (!r.ok) expectArgumentError(r.error, 'destination');
        }
      }),
      runs(600),
    );
  });

  it('a valid spec becomes the documented kernel values, frozen or not, and is not modified', () => {
    fc.assert(
      fc.property(family.chain((f) => fc.tuple(fc.constant(f), destinationSpec(f))), ([fam, { spec, raw }]) => {
        const before = structuredClone(spec);
        expect(checkDestinationSpec(spec, fam)).toEqual({ raw });
        expect(spec).toEqual(before);
        expect(checkDestinationSpec(deepFreeze(structuredClone(spec)), fam)).toEqual({ raw });
        expect(checkDestinationKey(spec)).toEqual({ raw: { family: raw.family, address: raw.address, port: raw.port } });
      }),
      runs(600),
    );
  });

  it("a valid spec with one field made invalid is refused with that field's error, naming it (under the caller's name too)", () => {
    const cases = family.chain((fam) =>
      destinationSpec(fam).chain((d) =>
        fc.tuple(
          fc.constant(fam),
          fc.constant(d),
          fc.oneof(
            at(['address'], badAddress),
            at(['port'], badInteger(0, 65535)),
            at(['forwarding'], badOneOf(['masq', 'local', 'tunnel', 'route'])),
            at(['weight'], badInteger(0, MAX_INT)),
            at(['upperThreshold'], badInteger(0, MAX_INT)),
            at(['lowerThreshold'], badInteger(0, MAX_INT)),
            // A declared family must be the address's.
            typed(present.filter((v) => v !== addressFamily(d.spec.address)), VALUE).map((bad): Corruption => ({ path: ['family'], bad })),
            unknownAt([], DEST_KEYS),
            ...(d.spec.forwarding === 'tunnel'
              ? [at(['tunnel'], badObject), at(['tunnel', 'type'], badOneOf(['ipip', 'gue', 'gre'])), unknownAt(['tunnel'], ['type', 'port', 'checksum'])]
              : [typed(present, VALUE).map((bad): Corruption => ({ path: ['tunnel'], bad }))]),
          ),
          fc.constantFrom('destination', 'desired[3].destinations[1]'),
        ),
      ),
    );
    fc.assert(
      fc.property(cases, ([fam, { spec }, c, name]) => {
        let s = withField(spec, c.path, c.bad.value);
        // A bad lower threshold must not also be above the upper one (nor the upper below the lower): leave the other out.
        if (c.path[0] === 'lowerThreshold') delete s.upperThreshold;
        if (c.path[0] === 'upperThreshold') delete s.lowerThreshold;
        if (c.path[0] === 'tunnel' && c.path.length > 1 && c.path[1] !== 'type') s = withField(s, ['tunnel', 'type'], 'gue');
        if (c.path[0] === 'tunnel' && c.path.length > 1) s = withField(s, ['tunnel', 'port'], 6080);
        const top = name === 'destination' ? 'destination' : 'desired';
        expectRefusal(() => checkDestinationSpec(s, fam, name), top, `${name}.${c.path.join('.')}`, c.bad.code);
      }),
      runs(600),
    );
  });

  it('relations: lowerThreshold above upperThreshold, and another family than the service\'s without tunnel, are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_INT - 1 }), fc.integer({ min: 1, max: MAX_INT }), v6Spelling, (upper, d, { text }) => {
        const lower = Math.min(MAX_INT, upper + d);
        fc.pre(lower > upper);
        expectRefusal(() => checkDestinationSpec({ address: '192.0.2.1', port: 80, upperThreshold: upper, lowerThreshold: lower }, 'inet'), 'destination', 'destination.lowerThreshold', VALUE);
        expectRefusal(() => checkDestinationSpec({ address: text, port: 80, forwarding: 'route' }, 'inet'), 'destination', 'destination.address', VALUE);
        expect(checkDestinationSpec({ address: text, port: 80, forwarding: 'tunnel' }, 'inet').raw.family).toBe(10);
      }),
      runs(300),
    );
  });
});

const DAEMON_KEYS = ['state', 'interface', 'syncId', 'maxLength', 'group', 'port', 'ttl'];

describe('daemon specs', () => {
  it('any value: accepted, or refused with a typed error naming a property of "daemon"', () => {
    fc.assert(
      fc.property(arbitraryObject(DAEMON_KEYS, plausible), (v) => {
        const r = attempt(() => checkDaemonSpec(v));
        if (!r.ok) expectArgumentError(r.error, 'daemon');
        else expect([1, 2]).toContain(r.value.state);
      }),
      runs(600),
    );
  });

  it('a valid spec becomes the documented values, frozen or not', () => {
    fc.assert(
      fc.property(daemonSpec, ({ spec, raw }) => {
        expect(checkDaemonSpec(spec)).toEqual(raw);
        expect(checkDaemonSpec(deepFreeze(structuredClone(spec)))).toEqual(raw);
      }),
      runs(500),
    );
  });

  it("one field made invalid is refused with that field's error, naming it", () => {
    const badInterface = fc.oneof(
      typed(present.filter((v) => typeof v !== 'string'), TYPE),
      typed(fc.oneof(fc.constantFrom('', '.', '..', 'eth 0', 'a/b', 'a:b', 'a\tb', 'a\0', 'x'.repeat(16), 'é'.repeat(8), 'a\u00a0b'), fc.string({ minLength: 16, maxLength: 20 })), VALUE),
    );
    const badGroup = fc.oneof(badAddress, typed(fc.oneof(v4Text, addressText).filter((a) => !/^(22[4-9]|23[0-9])\./.test(a) && !/^ff[0-9a-f]{2}:/i.test(a)), VALUE));
    const corruption = fc.oneof(
      at(['state'], badOneOf(['master', 'backup'])),
      at(['interface'], badInterface),
      at(['syncId'], badInteger(0, 255)),
      at(['maxLength'], badInteger(1, 65507)),
      at(['group'], badGroup),
      at(['port'], badInteger(1, 65535)),
      at(['ttl'], badInteger(1, 255)),
      unknownAt([], DAEMON_KEYS),
    );
    fc.assert(
      fc.property(daemonSpec, corruption, ({ spec }, c) => {
        expectRefusal(() => checkDaemonSpec(withField(spec, c.path, c.bad.value)), 'daemon', `daemon.${c.path.join('.')}`, c.bad.code);
      }),
      runs(600),
    );
  });
});

describe('timeouts and open() options', () => {
  it('any value: accepted with in-range integers, or refused with a typed error naming a property', () => {
    fc.assert(
      fc.property(arbitraryObject(['tcp', 'tcpFin', 'udp', 'timeout', 'netns'], fc.oneof(plausible, fc.string())), (v) => {
        const t = attempt(() => checkTimeouts(v));
        if (!t.ok) expectArgumentError(t.error, 'timeouts');
        else for (const x of Object.values(t.value)) expect(Number.isInteger(x) && x >= 0 && x <= 2678400).toBe(true);
        const o = attempt(() => checkOpenOptions(v));
        if (!o.ok) expectArgumentError(o.error, 'options');
        else expect(o.value.timeoutMs >= 1 && o.value.timeoutMs <= 3_600_000).toBe(true);
      }),
      runs(600),
    );
  });

  it('valid input becomes the documented values; one field made invalid is refused naming it', () => {
    const timeoutCorruption = fc.oneof(at(['tcp'], badInteger(1, 2678400)), at(['tcpFin'], badInteger(1, 2678400)), at(['udp'], badInteger(1, 2678400)), unknownAt([], ['tcp', 'tcpFin', 'udp']));
    const netnsBad = fc.oneof(
      typed(present.filter((v) => typeof v !== 'number' && typeof v !== 'string'), TYPE),
      typed(fc.oneof(fc.double(), fc.integer()).filter((v) => !(Number.isInteger(v) && v >= 0 && v <= MAX_INT)), RANGE),
      typed(fc.oneof(fc.constant(''), fc.string().map((s) => `/run/netns/${s}\0`)), VALUE),
    );
    const openCorruption = fc.oneof(at(['timeout'], badInteger(1, 3_600_000)), at(['netns'], netnsBad), unknownAt([], ['timeout', 'netns']));
    fc.assert(
      fc.property(timeoutsSpec, timeoutCorruption, openSpec, openCorruption, (t, tc, o, oc) => {
        expect(checkTimeouts(t.spec)).toEqual(t.raw);
        expectRefusal(() => checkTimeouts(withField(t.spec, tc.path, tc.bad.value)), 'timeouts', `timeouts.${tc.path.join('.')}`, tc.bad.code);
        expect(checkOpenOptions(o.spec)).toEqual(o.raw);
        expectRefusal(() => checkOpenOptions(withField(o.spec, oc.path, oc.bad.value)), 'options', `options.${oc.path.join('.')}`, oc.bad.code);
      }),
      runs(600),
    );
  });
});

describe('connection queries', () => {
  // A few addresses, spelled several ways, so that queries and rows meet.
  const POOL: number[][] = [
    [0x2001, 0xdb8, 1, 0, 0, 0, 0, 2],
    [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201],
  ];
  const V4_POOL = ['192.0.2.1', '198.51.100.2', '203.0.113.3'];
  const poolAddress = fc.oneof(
    fc.constantFrom(...V4_POOL),
    fc.tuple(fc.constantFrom(...POOL), fc.record({ upper: fc.boolean(), pad: fc.boolean(), compress: fc.nat(2), v4Tail: fc.boolean() })).map(([w, how]) => spellV6(w, how)),
  );
  const canonical = (a: string) => (a.includes(':') ? new SocketAddress({ address: a, family: 'ipv6' }).address : a);
  const STATES = ['ESTABLISHED', 'TIME_WAIT', 'NONE', 'ASSURED', 'SYN_RECV'];
  const smallPort = fc.constantFrom(0, 53, 80, 8080);

  const connection: fc.Arbitrary<Connection> = fc
    .record({ protocol: fc.constantFrom('tcp', 'udp', 'sctp', 'ip'), client: poolAddress, virtual: poolAddress, destination: poolAddress, cport: smallPort, vport: smallPort, dport: smallPort, state: fc.constantFrom(...STATES), template: fc.boolean() })
    .map((r) => ({
      protocol: r.protocol,
      family: r.client.includes(':') ? 'inet6' : 'inet',
      clientAddress: canonical(r.client),
      clientPort: r.cport,
      virtualAddress: canonical(r.virtual),
      virtualPort: r.vport,
      destinationAddress: canonical(r.destination),
      destinationPort: r.dport,
      state: r.state,
      expires: 1,
      template: r.template,
    }));

  const query = fc
    .record({
      service: opt(fc.record({ protocol: opt(fc.constantFrom('tcp', 'udp', 'sctp')), address: opt(poolAddress), port: opt(smallPort), family: opt(family) }).map(defined)),
      destination: opt(fc.record({ address: opt(poolAddress), port: opt(smallPort), family: opt(family) }).map(defined)),
      client: opt(fc.record({ address: opt(poolAddress), port: opt(smallPort) }).map(defined)),
      state: opt(fc.oneof(fc.constantFrom(...STATES), fc.subarray(STATES))),
      template: opt(fc.boolean()),
      withOrigin: opt(fc.boolean()),
    })
    .map(defined);

  /** The documented meaning of a query, written out directly. */
  function reference(q: Record<string, any>, c: Connection): boolean {
    const side = (s: Record<string, any> | undefined, addr: string, p: number) =>
      !s || ((s.address === undefined || canonical(s.address) === addr) && (s.port === undefined || s.port === p) && (s.family === undefined || (s.family === 'inet6') === addr.includes(':')));
    return (
      side(q.service, c.virtualAddress, c.virtualPort) &&
      (q.service?.protocol === undefined || q.service.protocol === c.protocol) &&
      side(q.destination, c.destinationAddress, c.destinationPort) &&
      side(q.client, c.clientAddress, c.clientPort) &&
      (q.state === undefined || (Array.isArray(q.state) ? q.state : [q.state]).includes(c.state)) &&
      (q.template === undefined || q.template === c.template)
    );
  }

  it('keeps exactly the rows the reference filter keeps, however the addresses are written', () => {
    fc.assert(
      fc.property(query as fc.Arbitrary<Record<string, any>>, fc.array(connection, { minLength: 1, maxLength: 20 }), (q, rows) => {
        const checked = checkConnectionQuery(q);
        expect(checked.withOrigin).toBe(q.withOrigin === true);
        const criteria = Object.keys(q).filter((k) => k !== 'withOrigin' && !(typeof q[k] === 'object' && !Array.isArray(q[k]) && Object.keys(q[k]).length === 0));
        if (criteria.length === 0) expect(checked.keep).toBeUndefined();
        const keep = checked.keep ?? (() => true);
        expect(rows.map(keep)).toEqual(rows.map((c) => reference(q, c)));
      }),
      runs(600),
    );
  });

  it('any value: accepted, or refused with a typed error naming a property of "query"', () => {
    const endpoint = arbitraryObject(['address', 'port', 'family', 'protocol', 'fwmark'], plausible);
    fc.assert(
      fc.property(arbitraryObject(['service', 'destination', 'client', 'state', 'template', 'withOrigin'], fc.oneof(endpoint, fc.array(fc.oneof(fc.constantFrom(...STATES), weirdValue), { maxLength: 3 }))), (v) => {
        const r = attempt(() => checkConnectionQuery(v));
        if (!r.ok) expectArgumentError(r.error, 'query');
        else expect(typeof r.value.withOrigin).toBe('boolean');
      }),
      runs(600),
    );
  });

  it("one criterion made invalid is refused with that criterion's error, naming it", () => {
    const corruption = fc.oneof(
      at(['service', 'protocol'], badOneOf(['tcp', 'udp', 'sctp'])),
      at(['service', 'address'], badAddress),
      at(['service', 'port'], badInteger(0, 65535)),
      at(['service', 'family'], badFamily),
      at(['destination', 'address'], badAddress),
      at(['destination', 'port'], badInteger(0, 65535)),
      at(['client', 'port'], badInteger(0, 65535)),
      // Connections carry the packet's address, not its mark; a client has no family of its own.
      at(['service', 'fwmark'], typed(present, VALUE)).map((c): Corruption => ({ ...c, named: 'query.service' })),
      at(['client', 'family'], typed(present, VALUE)),
      at(['service'], badObject),
      at(['template'], badBoolean),
      at(['withOrigin'], badBoolean),
      at(['state'], typed(present.filter((v) => typeof v !== 'string' && !Array.isArray(v)), TYPE)),
      unknownAt([], ['service', 'destination', 'client', 'state', 'template', 'withOrigin']),
    );
    fc.assert(
      fc.property(query, corruption, (q, c) => {
        expectRefusal(() => checkConnectionQuery(withField(q, c.path, c.bad.value)), 'query', c.named ?? `query.${c.path.join('.')}`, c.bad.code);
      }),
      runs(600),
    );
  });
});
