// Destination specs: defaults, tunnel rules and mixed families, before the kernel.
import { describe, expect, it } from 'vitest';
import { checkDestinationKey, checkDestinationSpec } from '../../lib/validate/destination';

describe('destination specs', () => {
  it('defaults to NAT, weight 1, no thresholds', () => {
    expect(checkDestinationSpec({ address: '10.2.0.1', port: 8080 }, 'inet')).toEqual({
      raw: { family: 2, address: '10.2.0.1', port: 8080, forwarding: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 },
    });
  });

  it('encodes every forwarding method', () => {
    const fwd = (forwarding: string) => checkDestinationSpec({ address: '10.2.0.1', port: 80, forwarding }, 'inet').raw.forwarding;
    expect(['masq', 'local', 'tunnel', 'route'].map(fwd)).toEqual([0, 1, 2, 3]);
  });

  it('encodes tunnels', () => {
    const t = (tunnel: object) => checkDestinationSpec({ address: '10.2.0.1', port: 80, forwarding: 'tunnel', tunnel }, 'inet').raw;
    expect(t({ type: 'ipip' })).toMatchObject({ tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 });
    expect(t({ type: 'gue', port: 6080, checksum: 'remcsum' })).toMatchObject({ tunnelType: 1, tunnelPort: 6080, tunnelFlags: 2 });
    expect(t({ type: 'gre', checksum: 'csum' })).toMatchObject({ tunnelType: 2, tunnelPort: 0, tunnelFlags: 1 });
  });

  it('allows another family only for tunnels', () => {
    expect(checkDestinationSpec({ address: '2001:db8::2', port: 80, forwarding: 'tunnel' }, 'inet').raw.family).toBe(10);
    expect(() => checkDestinationSpec({ address: '2001:db8::2', port: 80, forwarding: 'masq' }, 'inet')).toThrow(/mixed address families/);
  });

  it.each([
    [{ address: '10.2.0.1', port: 80, forwarding: 'nat' }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, weight: -1 }, 'ERR_OUT_OF_RANGE'],
    [{ address: '10.2.0.1', port: 80, weight: 2 ** 31 }, 'ERR_OUT_OF_RANGE'],
    [{ address: '10.2.0.1', port: 80, weight: '3' }, 'ERR_INVALID_ARG_TYPE'],
    [{ address: '10.2.0.1', port: 80, upperThreshold: 10, lowerThreshold: 11 }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, lowerThreshold: 1 }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, tunnel: { type: 'ipip' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, forwarding: 'tunnel', tunnel: { type: 'gue' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, forwarding: 'tunnel', tunnel: { type: 'gue', port: 0 } }, 'ERR_OUT_OF_RANGE'],
    [{ address: '10.2.0.1', port: 80, forwarding: 'tunnel', tunnel: { type: 'gre', port: 5 } }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, forwarding: 'tunnel', tunnel: { type: 'gre', checksum: 'remcsum' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, forwarding: 'tunnel', tunnel: { type: 'ipip', checksum: 'csum' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, forwarding: 'tunnel', tunnel: { type: 'vxlan' } }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, wieght: 2 }, 'ERR_INVALID_ARG_VALUE'],
    [{ address: '10.2.0.1', port: 80, family: 'inet6' }, 'ERR_INVALID_ARG_VALUE'],
  ])('rejects %j with %s', (dest, code) => {
    expect(() => checkDestinationSpec(dest, 'inet')).toThrow(expect.objectContaining({ code }));
  });

  it('needs only address and port to delete', () => {
    expect(checkDestinationKey({ address: '2001:db8::2', port: 0 }).raw).toEqual({ family: 10, address: '2001:db8::2', port: 0 });
    expect(() => checkDestinationKey({ address: '2001:db8::2' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
