// Sync daemon specs and open() options: what reaches the addon, and what is
// refused before.
import { describe, expect, it } from 'vitest';
import { checkDaemonSpec, checkDaemonState } from '../../lib/validate/daemon';
import { checkOpenOptions } from '../../lib/validate/open';

describe('daemon specs', () => {
  it('sends only the options given', () => {
    expect(checkDaemonSpec({ state: 'backup', interface: 'eth1' })).toEqual({ state: 2, interface: 'eth1', syncId: 0, maxLength: 0, group: '', port: 0, ttl: 0 });
    expect(checkDaemonSpec({ state: 'master', interface: 'eth0', syncId: 255, maxLength: 65507, group: 'ff05::1:81', port: 65535, ttl: 255 }))
      .toEqual({ state: 1, interface: 'eth0', syncId: 255, maxLength: 65507, group: 'ff05::1:81', port: 65535, ttl: 255 });
    expect(checkDaemonState('state', 'master')).toBe(1);
  });

  it.each([
    [{ state: 'master', interface: 'eth0', group: '239.255.255.255' }, undefined],
    [{ state: 'master', interface: 'eth0', group: 'FF02::1' }, undefined],
    [{ state: 'master', interface: 'eth0', group: '240.0.0.1' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: 'eth0', group: '223.255.255.255' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: 'eth0', group: 'ff::1' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: 'eth0', group: 'fe80::1' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: 'eth 0' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: 'a/b' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: 'x'.repeat(16) }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'master', interface: 5 }, 'ERR_INVALID_ARG_TYPE'],
    [{ state: 'master', interface: 'eth0', syncId: -1 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'master', interface: 'eth0', maxLength: 0 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'master' }, 'ERR_INVALID_ARG_TYPE'],
  ])('%j -> %s', (spec, code) => {
    if (code === undefined) expect(() => checkDaemonSpec(spec)).not.toThrow();
    else expect(() => checkDaemonSpec(spec)).toThrow(expect.objectContaining({ code }));
  });
});

describe('open options', () => {
  it('takes a namespace as a path or a descriptor', () => {
    expect(checkOpenOptions({})).toEqual({ timeoutMs: 30000 });
    expect(checkOpenOptions({ netns: '/run/netns/blue', timeout: 5 })).toEqual({ timeoutMs: 5, netnsPath: '/run/netns/blue' });
    expect(checkOpenOptions({ netns: 7 })).toEqual({ timeoutMs: 30000, netnsFd: 7 });
  });

  it.each([
    [{ netns: '' }, 'ERR_INVALID_ARG_VALUE'],
    [{ netns: 'a\0b' }, 'ERR_INVALID_ARG_VALUE'],
    [{ netns: 1.5 }, 'ERR_OUT_OF_RANGE'],
    [{ netns: -1 }, 'ERR_OUT_OF_RANGE'],
    [{ netns: true }, 'ERR_INVALID_ARG_TYPE'],
    [{ namespace: '/run/netns/blue' }, 'ERR_INVALID_ARG_VALUE'],
  ])('%j -> %s', (options, code) => {
    expect(() => checkOpenOptions(options)).toThrow(expect.objectContaining({ code }));
  });
});
