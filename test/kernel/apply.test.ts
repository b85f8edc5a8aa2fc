// apply() against the kernel: minimal plans in a safe order, idempotence,
// prune and dryRun, and all-or-nothing: a change the kernel refuses leaves the
// table exactly as it was (ipvsadm -Sn before and after), whichever of the
// plan's 13 steps the kernel refuses (injected at each in turn).
import { describe, expect, it, vi } from 'vitest';
import { IpvsApplyError, type DesiredService } from '../../lib/index';
import { BATCH_OP } from '../../lib/native';
import { ipvsadm, saved, useIpvs } from './helpers';

const ctx = useIpvs();

const web = { protocol: 'tcp', address: '192.0.2.1', port: 80 } as const;
const dns = { protocol: 'udp', address: '2001:db8::53', port: 53 } as const;

function table(): DesiredService[] {
  return [
    { ...web, scheduler: 'wrr', destinations: [{ address: '203.0.113.2', port: 8080, weight: 3 }, { address: '203.0.113.3', port: 8080 }] },
    { ...dns, scheduler: 'sh', flags: { onePacket: true }, destinations: [{ address: '2001:db8:1::2', port: 53, forwarding: 'route' }] },
    { fwmark: 7, scheduler: 'rr', persistence: { timeout: 300 }, destinations: [] },
  ];
}

const TABLE_RULES = [
  '-A -t 192.0.2.1:80 -s wrr',
  '-a -t 192.0.2.1:80 -r 203.0.113.2:8080 -m -w 3',
  '-a -t 192.0.2.1:80 -r 203.0.113.3:8080 -m -w 1',
  '-A -f 7 -s rr -p 300',
  '-A -u [2001:db8::53]:53 -s sh -o',
  '-a -u [2001:db8::53]:53 -r [2001:db8:1::2]:53 -g -w 1',
];

describe('apply()', () => {
  it('creates a table from nothing, services before their destinations', async () => {
    const changes = await ctx.ipvs.apply(table());
    expect(changes).toEqual([
      { action: 'add', service: web },
      { action: 'add', service: dns },
      { action: 'add', service: { fwmark: 7, family: 'inet' } },
      { action: 'add', service: web, destination: { address: '203.0.113.2', port: 8080 } },
      { action: 'add', service: web, destination: { address: '203.0.113.3', port: 8080 } },
      { action: 'add', service: dns, destination: { address: '2001:db8:1::2', port: 53 } },
    ]);
    expect(saved().sort()).toEqual([...TABLE_RULES].sort());
  });

  it('changes nothing and sends nothing when the table is as desired, however addresses are written', async () => {
    await ctx.ipvs.apply(table());
    const batch = vi.spyOn(ctx.ipvs, 'batch');
    expect(await ctx.ipvs.apply(table())).toEqual([]);
    expect(await ctx.ipvs.apply(await ctx.ipvs.snapshot())).toEqual([]);
    const spelled = table();
    spelled[1] = { ...spelled[1]!, address: '2001:DB8:0:0::53', destinations: [{ address: '2001:db8:1:0:0:0:0:2', port: 53, forwarding: 'route', weight: 1 }] } as DesiredService;
    expect(await ctx.ipvs.apply(spelled)).toEqual([]);
    expect(batch).not.toHaveBeenCalled();
    batch.mockRestore();
  });

  it('plans only what differs: weights and settings in place, destinations added and removed', async () => {
    await ctx.ipvs.apply(table());
    const want = table();
    want[0]!.destinations = [{ address: '203.0.113.2', port: 8080, weight: 7 }, { address: '203.0.113.4', port: 8080 }];
    want[1]!.scheduler = 'rr';
    delete want[1]!.flags;
    delete want[2]!.destinations; // not listed: left as they are
    const plan = await ctx.ipvs.apply(want, { dryRun: true });
    expect(plan).toEqual([
      { action: 'update', service: dns },
      { action: 'delete', service: web, destination: { address: '203.0.113.3', port: 8080 } },
      { action: 'update', service: web, destination: { address: '203.0.113.2', port: 8080 } },
      { action: 'add', service: web, destination: { address: '203.0.113.4', port: 8080 } },
    ]);
    expect(saved().sort()).toEqual([...TABLE_RULES].sort()); // dryRun changed nothing
    expect(await ctx.ipvs.apply(want)).toEqual(plan);
    expect(saved()).toContain('-a -t 192.0.2.1:80 -r 203.0.113.2:8080 -m -w 7');
    expect(saved()).toContain('-A -u [2001:db8::53]:53 -s rr');
    expect(await ctx.ipvs.apply(want)).toEqual([]);
  });

  it('keeps the destination (and its connections) when only its weight changes', async () => {
    await ctx.ipvs.apply(table());
    await ctx.ipvs.zero();
    const before = (await ctx.ipvs.destinations(web)).find((d) => d.address === '203.0.113.2')!;
    const want = table();
    want[0]!.destinations![0]!.weight = 0;
    expect(await ctx.ipvs.apply(want)).toEqual([{ action: 'update', service: web, destination: { address: '203.0.113.2', port: 8080 } }]);
    const after = (await ctx.ipvs.destinations(web)).find((d) => d.address === '203.0.113.2')!;
    expect({ ...after, weight: before.weight }).toEqual(before);
  });

  it('deletes services that are not desired only with prune', async () => {
    await ctx.ipvs.apply(table());
    ipvsadm('-A', '-t', '192.0.2.99:443');
    ipvsadm('-a', '-t', '192.0.2.99:443', '-r', '203.0.113.9:443', '-m');
    expect(await ctx.ipvs.apply(table())).toEqual([]);
    expect(saved()).toContain('-A -t 192.0.2.99:443 -s wlc');
    expect(await ctx.ipvs.apply(table(), { prune: true })).toEqual([{ action: 'delete', service: { protocol: 'tcp', address: '192.0.2.99', port: 443 } }]);
    expect(saved().sort()).toEqual([...TABLE_RULES].sort());
    expect(await ctx.ipvs.apply([], { prune: true })).toHaveLength(3);
    expect(saved()).toEqual([]);
  });

  it('undoes every change made when one fails, leaving the table as it was', async () => {
    await ctx.ipvs.apply(table());
    ipvsadm('-A', '-t', '192.0.2.99:443', '-s', 'lc');
    ipvsadm('-a', '-t', '192.0.2.99:443', '-r', '203.0.113.9:443', '-g', '-w', '4', '-x', '50');
    const before = ipvsadm('-Sn');
    const want = table();
    want[0]!.scheduler = 'rr'; // update service
    want[0]!.destinations = [{ address: '203.0.113.2', port: 8080, weight: 9 }, { address: '203.0.113.5', port: 8080 }]; // update, delete, add
    want.push({ protocol: 'tcp', address: '192.0.2.50', port: 80, destinations: [{ address: '203.0.113.2', port: 80 }] }); // add service + destination
    want.push({ protocol: 'tcp', address: '192.0.2.51', port: 80, scheduler: 'nosuch' }); // the kernel has no such scheduler
    // and prune deletes 192.0.2.99:443 with its destination
    const err = (await ctx.ipvs.apply(want, { prune: true }).catch((e: unknown) => e)) as IpvsApplyError;
    expect(err).toBeInstanceOf(IpvsApplyError);
    expect(err.code).toBe('ERR_IPVS_APPLY');
    expect(err.failures).toHaveLength(1);
    expect(err.failures[0]!.change).toEqual({ action: 'add', service: { protocol: 'tcp', address: '192.0.2.51', port: 80 } });
    expect(err.failures[0]!.error).toMatchObject({ code: 'ENOENT', operation: 'addService' });
    expect(err.rollback.complete).toBe(true);
    expect(err.rollback.undone).toHaveLength(7);
    expect(err.message).toMatch(/scheduler or persistence engine not found.*rolled back \(7 change\(s\) undone\)/);
    expect(ipvsadm('-Sn')).toBe(before);
  });

  it('undoes a failed destination too (the kernel refuses a non-unicast real server)', async () => {
    await ctx.ipvs.apply(table());
    const before = ipvsadm('-Sn');
    const want = table();
    want[0]!.destinations!.push({ address: '224.1.1.1', port: 80 });
    want[1]!.destinations![0]!.weight = 2;
    const err = (await ctx.ipvs.apply(want).catch((e: unknown) => e)) as IpvsApplyError;
    expect(err.failures.map((f) => [f.change, f.error.code])).toEqual([[{ action: 'add', service: web, destination: { address: '224.1.1.1', port: 80 } }, 'EINVAL']]);
    expect(err.rollback).toMatchObject({ complete: true, failures: [] });
    expect(ipvsadm('-Sn')).toBe(before);
  });

  it('refuses bad desired tables before reading or sending anything, naming the entry', async () => {
    await ctx.ipvs.apply(table());
    const before = ipvsadm('-Sn');
    const snapshot = vi.spyOn(ctx.ipvs, 'snapshot');
    await expect(ctx.ipvs.apply({} as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(ctx.ipvs.apply([web, web])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/desired\[1\].*listed twice/) });
    await expect(ctx.ipvs.apply([{ ...web, destinations: [{ address: '203.0.113.2', port: 80, weight: -1 }] }])).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(/desired\[0\]\.destinations\[0\]\.weight/) });
    await expect(ctx.ipvs.apply([{ ...web, destinations: [{ address: '203.0.113.2', port: 80 }, { address: '203.0.113.2', port: 80, weight: 2 }] }])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/listed twice/) });
    await expect(ctx.ipvs.apply([{ ...web, destinations: 'all' } as never])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(ctx.ipvs.apply([], { prune: 'yes' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(ctx.ipvs.apply([], { force: true } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(snapshot).not.toHaveBeenCalled();
    snapshot.mockRestore();
    expect(ipvsadm('-Sn')).toBe(before);
  });
});

describe('apply() racing another process', () => {
  it('takes back the destinations it added to a service another process created first', async () => {
    // Another tool creates the service between apply()'s snapshot and its batch.
    const original = ctx.ipvs.batch.bind(ctx.ipvs);
    const batch = vi.spyOn(ctx.ipvs, 'batch').mockImplementationOnce(() => {
      ipvsadm('-A', '-t', '192.0.2.1:80', '-s', 'lc');
      return original();
    });
    const err = (await ctx.ipvs.apply([table()[0]!]).catch((e: unknown) => e)) as IpvsApplyError;
    batch.mockRestore();
    expect(err.failures.map((f) => [f.change, f.error.code])).toEqual([[{ action: 'add', service: web }, 'EEXIST']]);
    expect(err.rollback).toMatchObject({ complete: true, failures: [] });
    // Its destinations went into the other's service, and were taken out again.
    expect(saved()).toEqual(['-A -t 192.0.2.1:80 -s lc']);
  });
});

describe('apply() calls on one handle', () => {
  it('run one after another, each planning against what the previous one left', async () => {
    const first = table();
    const second = table();
    second[0]!.destinations![0]!.weight = 9;
    const [a, b] = await Promise.all([ctx.ipvs.apply(first), ctx.ipvs.apply(second)]);
    expect(a).toHaveLength(6);
    expect(b).toEqual([{ action: 'update', service: web, destination: { address: '203.0.113.2', port: 8080 } }]);
    expect(saved()).toContain('-a -t 192.0.2.1:80 -r 203.0.113.2:8080 -m -w 9');
  });
});

describe('apply() with a kernel error injected at each step of its plan', () => {
  it('ends with the table exactly as it started, whichever step fails', async () => {
    const ipvs = ctx.ipvs;
    await ipvs.apply(table());
    ipvsadm('-A', '-t', '192.0.2.99:443', '-s', 'lc');
    ipvsadm('-a', '-t', '192.0.2.99:443', '-r', '203.0.113.9:443', '-g', '-w', '4', '-x', '50');
    const before = ipvsadm('-Sn');
    const want = table();
    want[0]!.scheduler = 'rr';
    want[0]!.destinations = [{ address: '203.0.113.2', port: 8080, weight: 9 }, { address: '203.0.113.5', port: 8080 }, { address: '203.0.113.6', port: 8080, forwarding: 'route' }];
    want[1]!.destinations!.push({ address: '2001:db8:1::3', port: 53, weight: 2, upperThreshold: 10 });
    want[2]!.persistence = { timeout: 60 };
    want.push({ protocol: 'tcp', address: '192.0.2.50', port: 80, destinations: [{ address: '203.0.113.2', port: 80 }, { address: '203.0.113.3', port: 80 }] });
    want.push({ protocol: 'sctp', address: '192.0.2.51', port: 9, scheduler: 'sh', destinations: [{ address: '203.0.113.4', port: 9 }] });
    const steps = await ipvs.apply(want, { prune: true, dryRun: true });
    expect(steps).toHaveLength(13);

    // The kernel refuses the step at `at`: sent with a scheduler it does not
    // have (a service add) or for a service that does not exist (all others).
    const batch = ipvs.batch.bind(ipvs);
    const inject = (at: number) => {
      let calls = 0;
      ipvs.batch = () => {
        const b = batch();
        if (calls++ > 0) return b; // the undo goes through untouched
        const push = b.push.bind(b);
        let n = 0;
        b.push = (kind, service, destination) => {
          if (n++ !== at) return push(kind, service, destination);
          if ('scheduler' in service && kind === BATCH_OP.addService) return push(kind, { ...service, scheduler: 'injected' }, destination);
          return push(kind, { ...service, fwmark: 0xdead, address: '', port: 0 }, destination);
        };
        return b;
      };
    };
    try {
      for (let at = 0; at < steps.length; at++) {
        inject(at);
        const err = (await ipvs.apply(want, { prune: true }).catch((e: unknown) => e)) as IpvsApplyError;
        expect(err, `step ${at}`).toBeInstanceOf(IpvsApplyError);
        // That step failed, and with a service add, the adds of its destinations.
        expect(err.failures[0]!.change, `step ${at}`).toEqual(steps[at]);
        for (const f of err.failures) expect(['ENOENT', 'ESRCH'], `step ${at}`).toContain(f.error.code);
        expect(err.rollback, `step ${at}`).toMatchObject({ complete: true, failures: [] });
        expect(err.rollback.undone, `step ${at}`).toHaveLength(steps.length - err.failures.length);
        expect(ipvsadm('-Sn'), `step ${at}`).toBe(before);
      }
    } finally {
      ipvs.batch = batch;
    }
    // Untouched, the same plan goes through.
    expect(await ipvs.apply(want, { prune: true })).toEqual(steps);
    expect(await ipvs.apply(want, { prune: true, dryRun: true })).toEqual([]);
  });
});
