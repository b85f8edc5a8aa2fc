// Native failures -> IpvsError: codes, negative errno, and messages per operation.
import { describe, expect, it } from 'vitest';
import { IpvsError, toIpvsError, unavailableError } from '../../lib/errors';
import { Ipvs } from '../../lib/index';

const kernel = (errno: number, detail?: string) => Object.assign(new Error('x'), { errno, syscall: 'netlink', origin: 'kernel', detail });

describe('toIpvsError', () => {
  it('follows Node SystemError conventions', () => {
    const e = toIpvsError(kernel(-17), 'addService', { service: 'TCP 10.1.0.1:80' });
    expect(e).toBeInstanceOf(IpvsError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'IpvsError', code: 'EEXIST', errno: -17, syscall: 'netlink', operation: 'addService' });
    expect(e.message).toBe('addService TCP 10.1.0.1:80: service already exists [EEXIST]');
  });

  it('reads one errno differently per operation, as ipvsadm does', () => {
    expect(toIpvsError(kernel(-2), 'addService').message).toMatch(/scheduler or persistence engine not found/);
    expect(toIpvsError(kernel(-2), 'deleteDestination', { service: 'UDP 10.0.0.1:53', destination: '10.0.0.2:53' }).message).toBe(
      'deleteDestination UDP 10.0.0.1:53 -> 10.0.0.2:53: no such destination [ENOENT]',
    );
    expect(toIpvsError(kernel(-3), 'addDestination').message).toMatch(/service not defined/);
    expect(toIpvsError(kernel(-1), 'services').message).toMatch(/CAP_NET_ADMIN/);
  });

  it('keeps the kernel extended ack', () => {
    expect(toIpvsError(kernel(-22, 'bad attr'), 'addService')).toMatchObject({ code: 'EINVAL', detail: 'bad attr' });
  });

  it('marks malformed replies and closed handles', () => {
    expect(toIpvsError(Object.assign(new Error('x'), { errno: -71, origin: 'protocol' }), 'services').code).toBe('ERR_IPVS_PROTOCOL');
    expect(toIpvsError(Object.assign(new Error('x'), { origin: 'closed' }), 'services')).toMatchObject({ code: 'ERR_IPVS_CLOSED', errno: undefined });
  });

  it('says what to do when IPVS is missing', () => {
    const e = unavailableError(toIpvsError(kernel(-2), 'open'));
    expect(e).toMatchObject({ code: 'ERR_IPVS_UNAVAILABLE', errno: -2, operation: 'open' });
    expect(e.message).toMatch(/modprobe ip_vs/);
  });
});

describe('open() options', () => {
  it('refuses unknown options and bad timeouts before opening anything', async () => {
    await expect(Ipvs.open({ timeoutMs: 5 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(Ipvs.open({ timeout: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(Ipvs.open(null as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
});
