// Properties of address validation and canonical forms (lib/validate/address.ts):
// every spelling of an address is accepted with its family and prints back
// in inet_ntop's form (Node's SocketAddress as the reference), which is a
// fixed point and names the same 128 bits; anything else is refused with the
// documented argument error; IPv4 persistence masks round-trip.
import { isIPv4, isIPv6, SocketAddress } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { address, addressFamily, canonicalAddress, ipv6Groups, netmaskFromRaw, netmaskToRaw } from '../../../lib/validate/address';
import { attempt, dotted, expectArgumentError, ntop6, runs, textOf, v6Spelling, weirdValue } from './support';

describe('IPv6 addresses', () => {
  it("every spelling is accepted as inet6 and prints back as inet_ntop's form, the same for all spellings", () => {
    fc.assert(
      fc.property(v6Spelling, ({ words, text }) => {
        expect(addressFamily(text)).toBe('inet6');
        expect(address('a', text)).toEqual({ address: text, family: 'inet6' });
        const canonical = canonicalAddress(text);
        expect(canonical).toBe(ntop6(words));
        expect(canonical).toBe(new SocketAddress({ address: text, family: 'ipv6' }).address);
        // A fixed point, naming the same 128 bits.
        expect(canonicalAddress(canonical)).toBe(canonical);
        expect(ipv6Groups(text)).toEqual(words);
        expect(ipv6Groups(canonical)).toEqual(words);
        expect(addressFamily(canonical)).toBe('inet6');
      }),
      runs(600),
    );
  });

  it("fast-check's own IPv6 generator agrees", () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const canonical = canonicalAddress(text);
        expect(canonical).toBe(new SocketAddress({ address: text, family: 'ipv6' }).address);
        expect(ipv6Groups(canonical)).toEqual(ipv6Groups(text));
      }),
      runs(600),
    );
  });

  it('a zone id is refused though Node accepts it', () => {
    fc.assert(
      fc.property(v6Spelling, fc.stringMatching(/^[a-z0-9]{1,8}$/), ({ text }, zone) => {
        const scoped = `${text}%${zone}`;
        expect(addressFamily(scoped)).toBeUndefined();
        const r = attempt(() => address('service.address', scoped));
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(expectArgumentError(r.error, 'service.address')).toBe('service.address');
          expect(r.error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
        }
      }),
      runs(300),
    );
  });
});

describe('IPv4 addresses', () => {
  it('dotted quads are accepted as inet and are their own canonical form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const text = dotted(v);
        expect(addressFamily(text)).toBe('inet');
        expect(canonicalAddress(text)).toBe(text);
      }),
      runs(600),
    );
  });

  it("inet_aton's other forms (hex, octal, short) are refused, as the kernel API takes dotted quads only", () => {
    fc.assert(
      fc.property(fc.ipV4Extended().filter((s) => !isIPv4(s)), (text) => {
        expect(addressFamily(text)).toBeUndefined();
        const r = attempt(() => address('x', text));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      }),
      runs(500),
    );
  });
});

describe('any value', () => {
  const candidate = fc.oneof(weirdValue, textOf('0123456789abcdefABCDEF:.%[] x', 50), fc.ipV4Extended(), v6Spelling.map((s) => s.text));

  it('is an address of one family that canonicalizes to a fixed point of the same family, or refused with a typed error naming it', () => {
    fc.assert(
      fc.property(candidate, (v) => {
        const r = attempt(() => address('destination.address', v));
        if (!r.ok) {
          expectArgumentError(r.error, 'destination.address');
          expect(r.error).toMatchObject({ code: typeof v === 'string' ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE' });
          expect(addressFamily(v)).toBeUndefined();
          return;
        }
        const { family } = r.value;
        expect(typeof v).toBe('string');
        expect(family === 'inet' ? isIPv4(v as string) : isIPv6(v as string)).toBe(true);
        const canonical = canonicalAddress(v as string);
        expect(addressFamily(canonical)).toBe(family);
        expect(canonicalAddress(canonical)).toBe(canonical);
        if (family === 'inet6') expect(ipv6Groups(canonical)).toEqual(ipv6Groups(v as string));
      }),
      runs(600),
    );
  });
});

describe('persistence netmasks', () => {
  it('an IPv4 prefix length becomes its mask, which reads back as dotted text that gives the same mask', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }), (p) => {
        const raw = netmaskToRaw('m', p, 'inet');
        let bits = 0;
        for (let i = 0; i < p; i++) bits = (bits | (1 << (31 - i))) >>> 0;
        expect(raw).toBe(bits);
        const text = netmaskFromRaw(raw, 'inet');
        expect(netmaskToRaw('m', text, 'inet')).toBe(raw);
      }),
      runs(100),
    );
  });

  it('any dotted IPv4 mask round-trips through the raw number; IPv6 prefix lengths are kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 128 }), (v, p) => {
        expect(netmaskFromRaw(netmaskToRaw('m', dotted(v), 'inet'), 'inet')).toBe(dotted(v));
        expect(netmaskFromRaw(netmaskToRaw('m', p, 'inet6'), 'inet6')).toBe(p);
      }),
      runs(600),
    );
  });

  it('anything else is refused with a typed error naming the netmask', () => {
    fc.assert(
      fc.property(weirdValue, fc.constantFrom('inet', 'inet6') as fc.Arbitrary<'inet' | 'inet6'>, (v, fam) => {
        const r = attempt(() => netmaskToRaw('service.persistence.netmask', v, fam));
        if (r.ok) {
          const raw = r.value;
          expect(Number.isInteger(raw) && raw >= 0 && raw <= 0xffffffff).toBe(true);
          if (fam === 'inet6') expect(raw >= 1 && raw <= 128).toBe(true);
        } else {
          expect(expectArgumentError(r.error, 'service.persistence.netmask')).toBe('service.persistence.netmask');
        }
      }),
      runs(600),
    );
  });
});
