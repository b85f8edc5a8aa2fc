// info, timeouts, zero and flush against the kernel and ipvsadm.
import { expect, it } from 'vitest';
import { ipvsadm, saved, useIpvs } from './helpers';

const ctx = useIpvs();

it('info matches ipvsadm header', async () => {
  ipvsadm('-A', '-t', '192.0.2.1:80');
  const info = await ctx.ipvs.info();
  expect(info.version).toBe('1.2.1');
  expect(ipvsadm('-Ln').split('\n')[0]).toBe(`IP Virtual Server version 1.2.1 (size=${info.connectionTableSize})`);
});

it('reads and sets timeouts, a missing field keeps its value', async () => {
  ipvsadm('--set', '900', '120', '300');
  expect(await ctx.ipvs.timeouts()).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
  await ctx.ipvs.setTimeouts({ tcp: 3600, udp: 60 });
  expect(ipvsadm('-L', '--timeout').trim()).toBe('Timeout (tcp tcpfin udp): 3600 120 60');
  await ctx.ipvs.setTimeouts({ tcpFin: 30 });
  expect(await ctx.ipvs.timeouts()).toEqual({ tcp: 3600, tcpFin: 30, udp: 60 });
  await expect(ctx.ipvs.setTimeouts({ tcp: 0 })).rejects.toHaveProperty('code', 'ERR_OUT_OF_RANGE');
  await expect(ctx.ipvs.setTimeouts({ tcp: 2678401 })).rejects.toHaveProperty('code', 'ERR_OUT_OF_RANGE');
  ipvsadm('--set', '900', '120', '300');
});

it('flush empties the table', async () => {
  ipvsadm('-A', '-t', '192.0.2.1:80');
  ipvsadm('-A', '-f', '1', '-6');
  await ctx.ipvs.flush();
  expect(saved()).toEqual([]);
  expect(await ctx.ipvs.services()).toEqual([]);
});
