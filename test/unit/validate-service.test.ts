// Service keys and specs: what reaches the kernel, and what is refused before.
import { describeRawService } from '../../lib/describe';
import { describe, expect, it } from 'vitest';
import { checkServiceKey, checkServiceSpec } from '../../lib/validate/service';

describe('service keys', () => {
  it('maps an IPv4 TCP key to kernel numbers', () => {
    expect(checkServiceKey({ protocol: 'tcp', address: '10.1.0.1', port: 80 })).toEqual({
      raw: { family: 2, protocol: 6, address: '10.1.0.1', port: 80, fwmark: 0 },
      family: 'inet',
    });
  });

  it('infers IPv6 from the address and brackets it in labels', () => {
    const k = checkServiceKey({ protocol: 'sctp', address: '2001:db8::1', port: 443 });
    expect(k.raw).toMatchObject({ family: 10, protocol: 132 });
    expect(describeRawService(k.raw)).toBe('SCTP [2001:db8::1]:443');
  });

  it('defaults fwmark services to IPv4', () => {
    expect(checkServiceKey({ fwmark: 7 }).raw).toEqual({ family: 2, protocol: 0, address: '', port: 0, fwmark: 7 });
    expect(describeRawService(checkServiceKey({ fwmark: 7, family: 'inet6' }).raw)).toBe('FWM 7 IPv6');
  });

  it('accepts a whole service read back as a key', () => {
    const svc = { protocol: 'udp', address: '10.0.0.1', port: 53, family: 'inet', scheduler: 'rr', flags: {}, stats: {} };
    expect(checkServiceKey(svc).raw.protocol).toBe(17);
  });

  it.each([
    [undefined, 'ERR_INVALID_ARG_TYPE', TypeError],
    ['tcp', 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ protocol: 'icmp', address: '10.0.0.1', port: 1 }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ protocol: 6, address: '10.0.0.1', port: 1 }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ protocol: 'tcp', address: '10.0.0.300', port: 1 }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ protocol: 'tcp', address: '[2001:db8::1]', port: 1 }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ protocol: 'tcp', address: 'example.com', port: 1 }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ protocol: 'tcp', address: '10.0.0.1', port: 65536 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ protocol: 'tcp', address: '10.0.0.1', port: -1 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ protocol: 'tcp', address: '10.0.0.1', port: 80.5 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ protocol: 'tcp', address: '10.0.0.1', port: '80' }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ protocol: 'tcp', address: '10.0.0.1' }, 'ERR_INVALID_ARG_TYPE', TypeError],
    [{ protocol: 'tcp', address: '10.0.0.1', port: 80, family: 'inet6' }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ fwmark: 0 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ fwmark: 2 ** 32 }, 'ERR_OUT_OF_RANGE', RangeError],
    [{ fwmark: 1, family: 'ipx' }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ fwmark: 1, port: 80 }, 'ERR_INVALID_ARG_VALUE', TypeError],
    [{ protocol: 'tcp', address: '10.0.0.1', port: 80, prot: 1 }, 'ERR_INVALID_ARG_VALUE', TypeError],
  ])('rejects %j with %s', (key, code, type) => {
    let thrown: unknown;
    try {
      checkServiceKey(key);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(type);
    expect(thrown).toHaveProperty('code', code);
  });

  it('names the offending property', () => {
    expect(() => checkServiceKey({ protocol: 'tcp', address: '10.0.0.1', port: 99999 })).toThrow(
      'The value of "service.port" is out of range. It must be an integer >= 0 && <= 65535. Received 99999',
    );
  });
});

describe('service specs', () => {
  const key = { protocol: 'tcp', address: '10.1.0.1', port: 80 } as const;

  it('applies the defaults: wlc, not persistent, /32 netmask', () => {
    expect(checkServiceSpec(key).raw).toEqual({
      family: 2, protocol: 6, address: '10.1.0.1', port: 80, fwmark: 0,
      scheduler: 'wlc', pe: '', flags: 0, timeout: 0, netmask: 0xffffffff,
    });
  });

  it('defaults the IPv6 netmask to 128 (the kernel refuses 0)', () => {
    expect(checkServiceSpec({ fwmark: 1, family: 'inet6' }).raw.netmask).toBe(128);
  });

  it('passes any scheduler name that fits the kernel field on: which exist is for the kernel to say', () => {
    expect(checkServiceSpec({ ...key, scheduler: 'r r' }).raw.scheduler).toBe('r r');
    expect(checkServiceSpec({ ...key, scheduler: 'a'.repeat(15) }).raw.scheduler).toBe('a'.repeat(15));
  });

  it('encodes persistence, netmasks and flags', () => {
    const raw = checkServiceSpec({ ...key, protocol: 'udp', scheduler: 'sh', persistence: { timeout: 300, netmask: '255.255.255.0' }, flags: { onePacket: true, schedFlag1: true, schedFlag2: true }, pe: 'sip' }).raw;
    expect(raw).toMatchObject({ scheduler: 'sh', pe: 'sip', flags: 0x1 | 0x4 | 0x8 | 0x10, timeout: 300, netmask: 0xffffff00 });
    expect(checkServiceSpec({ ...key, persistence: { timeout: 1, netmask: 16 } }).raw.netmask).toBe(0xffff0000);
    expect(checkServiceSpec({ ...key, persistence: { timeout: 1, netmask: 0 } }).raw.netmask).toBe(0);
    expect(checkServiceSpec({ protocol: 'tcp', address: '::1', port: 1, persistence: { timeout: 1, netmask: 64 } }).raw.netmask).toBe(64);
  });

  it.each([
    [{ scheduler: '' }, 'ERR_INVALID_ARG_VALUE'],
    [{ scheduler: 'a'.repeat(16) }, 'ERR_INVALID_ARG_VALUE'],
    [{ scheduler: 'rr\0' }, 'ERR_INVALID_ARG_VALUE'],
    [{ scheduler: 'é'.repeat(8) }, 'ERR_INVALID_ARG_VALUE'],
    [{ scheduler: 5 }, 'ERR_INVALID_ARG_TYPE'],
    [{ pe: '' }, 'ERR_INVALID_ARG_VALUE'],
    [{ persistence: 300 }, 'ERR_INVALID_ARG_TYPE'],
    [{ persistence: {} }, 'ERR_INVALID_ARG_TYPE'],
    [{ persistence: { timeout: 0 } }, 'ERR_OUT_OF_RANGE'],
    [{ persistence: { timeout: 2678401 } }, 'ERR_OUT_OF_RANGE'],
    [{ persistence: { timeout: 60, netmask: 33 } }, 'ERR_OUT_OF_RANGE'],
    [{ persistence: { timeout: 60, netmask: '255.255.255.256' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ persistence: { timeout: 60, netmask: '/24' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ persistence: { timeout: 60, mask: 24 } }, 'ERR_INVALID_ARG_VALUE'],
    [{ flags: { onePacket: 1 } }, 'ERR_INVALID_ARG_TYPE'],
    [{ flags: { onePacket: true } }, 'ERR_INVALID_ARG_VALUE'], // TCP
    [{ flags: { fallback: true } }, 'ERR_INVALID_ARG_VALUE'],
  ])('rejects settings %j with %s', (settings, code) => {
    expect(() => checkServiceSpec({ ...key, ...settings })).toThrow(expect.objectContaining({ code }));
  });

  it('checks IPv6 netmasks as prefix lengths', () => {
    const v6 = { protocol: 'tcp', address: '2001:db8::1', port: 80 } as const;
    expect(() => checkServiceSpec({ ...v6, persistence: { timeout: 1, netmask: 0 } })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => checkServiceSpec({ ...v6, persistence: { timeout: 1, netmask: 'ffff::' } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('addresses', () => {
  it('refuses IPv6 zone ids, which IPVS keys cannot carry', () => {
    expect(() => checkServiceKey({ protocol: 'tcp', address: 'fe80::1%eth0', port: 80 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/zone id/) }));
  });
});
