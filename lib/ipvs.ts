/**
 * The Ipvs class: one handle on the kernel's IPVS table over one persistent
 * generic netlink socket. Every method validates its arguments (rejecting
 * with TypeError/RangeError before anything is sent), then runs on the libuv
 * thread pool; calls on one handle are executed one at a time, in call order.
 * @module
 */
import { Batch } from './batch';
import { describeRawDestination, describeRawService } from './describe';
import { closedError, IpvsError, toIpvsError, unavailableError, type ErrorTarget } from './errors';
import { toDaemon, toInfo } from './convert';
import { native, type NativeHandle, type RawService } from './native';
import type { ProcBackend } from './proc/backends';
import { connectionChunks, readBackends, readGlobalStats } from './proc/tables';
import { readDestinations, readServices, readSnapshot } from './records';
import { applyTable, type ApplyOptions } from './table/apply';
import type { TableChange } from './table/plan';
import { checkWatchOptions, Watch, type WatchOptions } from './watch';
import type {
  Connection,
  ConnectionQuery,
  Daemon,
  DaemonSpec,
  DaemonState,
  Destination,
  DestinationKey,
  DestinationSpec,
  DesiredService,
  GlobalStats,
  Info,
  OpenOptions,
  Service,
  ServiceKey,
  ServiceSpec,
  SnapshotService,
  Timeouts,
} from './types';
import { checkDaemonSpec, checkDaemonState } from './validate/daemon';
import { checkDestinationKey, checkDestinationSpec } from './validate/destination';
import { checkOpenOptions } from './validate/open';
import { checkServiceKey, checkServiceSpec } from './validate/service';
import { checkTimeouts } from './validate/timeouts';

/**
 * Key of the package-internal reader of /proc/net/ip_vs (ipvs/prometheus).
 * @internal
 */
export const READ_BACKENDS: unique symbol = Symbol('ipvs.readBackends');

/**
 * A handle on the kernel's IPVS: one netlink socket, in the network
 * namespace it was opened in. Every method is a Promise whose I/O runs on the
 * libuv thread pool; calls run one at a time, in call order.
 */
export class Ipvs {
  #handle: NativeHandle | undefined;
  #applying: Promise<unknown> = Promise.resolve();

  private constructor(handle: NativeHandle) {
    this.#handle = handle;
  }

  /**
   * Opens a handle. Rejects with code 'ERR_IPVS_UNAVAILABLE' when the kernel
   * has no IPVS, and 'EPERM' without CAP_NET_ADMIN (checked here, with one
   * request, rather than on first use).
   * @example
   * const ipvs = await Ipvs.open();
   * try { console.log(await ipvs.services()); } finally { ipvs.close(); }
   */
  static async open(options: OpenOptions = {}): Promise<Ipvs> {
    const raw = checkOpenOptions(options);
    let handle: NativeHandle;
    try {
      handle = await native().open(raw);
    } catch (e) {
      const err = toIpvsError(e, 'open');
      if (err.code === 'ENOENT' && err.syscall === 'netlink') throw unavailableError(err);
      throw err.syscall === 'setns' && err.code === 'EINVAL' ? notANamespace(err, options.netns) : err;
    }
    try {
      await handle.info(); // the family lookup needs no privilege; every IPVS command does
    } catch (e) {
      handle.close();
      throw toIpvsError(e, 'open');
    }
    return new Ipvs(handle);
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.#handle === undefined;
  }

  /**
   * Closes the socket. Calls still queued reject with 'ERR_IPVS_CLOSED'; the
   * one already sent settles with the kernel's answer. Idempotent.
   * @example
   * ipvs.close(); // calls made after this reject with 'ERR_IPVS_CLOSED'
   */
  close(): void {
    this.#handle?.close();
    this.#handle = undefined;
  }

  /**
   * Every service with its settings and statistics, in one dump.
   * @example
   * for (const s of await ipvs.services()) console.log(s.scheduler, s.stats.connections);
   */
  async services(): Promise<Service[]> {
    return readServices(await this.#call('services', {}, (h) => h.services()));
  }

  /**
   * One service. Rejects with code 'ESRCH' when it does not exist.
   * @example
   * const svc = await ipvs.service({ protocol: 'tcp', address: '10.1.0.1', port: 80 });
   * console.log(svc.scheduler, svc.stats.connections);
   */
  async service(key: ServiceKey): Promise<Service> {
    const k = checkServiceKey(key);
    return readServices(await this.#call('service', { service: describeRawService(k.raw) }, (h) => h.service(k.raw)))[0]!;
  }

  /**
   * Adds a service. Settings not given take their defaults (scheduler 'wlc',
   * not persistent, no flags, no persistence engine).
   * @example
   * await ipvs.addService({ protocol: 'tcp', address: '10.1.0.1', port: 80, scheduler: 'wrr' });
   */
  async addService(spec: ServiceSpec): Promise<void> {
    const s = checkServiceSpec(spec);
    await this.#call('addService', { service: describeRawService(s.raw) }, (h) => h.addService(s.raw), s.raw);
  }

  /**
   * Replaces a service's settings, as `ipvsadm -E` does: settings not given
   * are reset to their defaults. To change one setting, pass the service read
   * back with that setting changed: `updateService({ ...svc, scheduler: 'rr' })`.
   * @example
   * const svc = await ipvs.service({ protocol: 'tcp', address: '10.1.0.1', port: 80 });
   * await ipvs.updateService({ ...svc, scheduler: 'rr' });
   */
  async updateService(spec: ServiceSpec): Promise<void> {
    const s = checkServiceSpec(spec);
    await this.#call('updateService', { service: describeRawService(s.raw) }, (h) => h.updateService(s.raw), s.raw);
  }

  /**
   * Deletes a service and its destinations.
   * @example
   * await ipvs.deleteService({ protocol: 'tcp', address: '10.1.0.1', port: 80 });
   */
  async deleteService(key: ServiceKey): Promise<void> {
    const k = checkServiceKey(key);
    await this.#call('deleteService', { service: describeRawService(k.raw) }, (h) => h.deleteService(k.raw));
  }

  /**
   * The destinations of a service, with connection counts and statistics.
   * Rejects with 'ESRCH' when the service does not exist.
   * @example
   * for (const d of await ipvs.destinations({ protocol: 'tcp', address: '10.1.0.1', port: 80 })) {
   *   console.log(d.address, d.port, d.weight, d.activeConnections);
   * }
   */
  async destinations(key: ServiceKey): Promise<Destination[]> {
    const k = checkServiceKey(key);
    const target = { service: describeRawService(k.raw) };
    const list = readDestinations(await this.#call('destinations', target, (h) => h.destinations(k.raw)));
    // The kernel answers an empty list for a missing service; tell the two apart.
    if (list.length === 0) await this.#call('destinations', target, (h) => h.service(k.raw));
    return list;
  }

  /**
   * Adds a destination (real server) to a service.
   * @example
   * await ipvs.addDestination({ protocol: 'tcp', address: '10.1.0.1', port: 80 },
   *   { address: '10.2.0.1', port: 8080, forwarding: 'masq', weight: 3 });
   */
  async addDestination(key: ServiceKey, dest: DestinationSpec): Promise<void> {
    const k = checkServiceKey(key);
    const d = checkDestinationSpec(dest, k.family);
    await this.#call('addDestination', { service: describeRawService(k.raw), destination: describeRawDestination(d.raw, k.raw.family) }, (h) => h.addDestination(k.raw, d.raw));
  }

  /**
   * Replaces a destination's settings (defaults for what is not given, as
   * `ipvsadm -e`). To change only the weight: `{ ...dest, weight: 0 }`.
   * @example
   * await ipvs.updateDestination({ protocol: 'tcp', address: '10.1.0.1', port: 80 }, { address: '10.2.0.1', port: 8080, forwarding: 'masq', weight: 5 });
   */
  async updateDestination(key: ServiceKey, dest: DestinationSpec): Promise<void> {
    const k = checkServiceKey(key);
    const d = checkDestinationSpec(dest, k.family);
    await this.#call('updateDestination', { service: describeRawService(k.raw), destination: describeRawDestination(d.raw, k.raw.family) }, (h) => h.updateDestination(k.raw, d.raw));
  }

  /**
   * Removes a destination from a service.
   * @example
   * await ipvs.deleteDestination({ protocol: 'tcp', address: '10.1.0.1', port: 80 }, { address: '10.2.0.1', port: 8080 });
   */
  async deleteDestination(key: ServiceKey, dest: DestinationKey): Promise<void> {
    const k = checkServiceKey(key);
    const d = checkDestinationKey(dest);
    await this.#call('deleteDestination', { service: describeRawService(k.raw), destination: describeRawDestination(d.raw, k.raw.family) }, (h) => h.deleteDestination(k.raw, d.raw));
  }

  /**
   * Every service with its destinations and statistics: one dump of the
   * services and one of each service's destinations, on the thread pool; the
   * records are turned into objects a slice at a time between event-loop
   * turns. Not atomic: a service deleted meanwhile shows without destinations.
   * @example
   * for (const svc of await ipvs.snapshot()) console.log(svc.address, svc.destinations.length);
   */
  async snapshot(): Promise<SnapshotService[]> {
    return readSnapshot(await this.#snapshotRecords());
  }

  /** The snapshot as the addon's records (apply() and watch() read them raw too). */
  #snapshotRecords(): Promise<Buffer> {
    return this.#call('snapshot', {}, (h) => h.snapshot());
  }

  /**
   * A batch of writes, sent together by run(): see Batch.
   * @example
   * const b = ipvs.batch();
   * b.addService({ protocol: 'tcp', address: '10.1.0.1', port: 80 });
   * b.addDestination({ protocol: 'tcp', address: '10.1.0.1', port: 80 }, { address: '10.2.0.1', port: 80 });
   * await b.run();
   */
  batch(): Batch {
    return new Batch((records, wire) => this.#call('batch', {}, (h) => h.runBatch(records, wire)));
  }

  /**
   * Makes the kernel's table what `desired` says, changing only what
   * differs: services added, updated in place or (with `prune`) deleted;
   * for each desired service that lists `destinations`, its destinations
   * added, updated in place (weights never delete-and-re-add) or deleted.
   * `desired` has the shape snapshot() returns (read-only fields ignored),
   * so `apply(await ipvs.snapshot())` changes nothing. The plan runs as one
   * batch; if any change fails, the ones made are undone and apply()
   * rejects with an IpvsApplyError ('ERR_IPVS_APPLY') naming the failure
   * and the rollback's outcome. Resolves with the changes made, or with
   * `dryRun` the changes it would make. Argument errors come before
   * anything is read or sent. Calls on one handle run one after another;
   * changes other processes make meanwhile are not seen (a conflict fails
   * and rolls back).
   * @example
   * const changes = await ipvs.apply([
   *   { protocol: 'tcp', address: '10.1.0.1', port: 80, scheduler: 'wrr',
   *     destinations: [{ address: '10.2.0.1', port: 80, weight: 2 }, { address: '10.2.0.2', port: 80 }] },
   * ], { prune: true });
   * // [{ action: 'add', service: { protocol: 'tcp', address: '10.1.0.1', port: 80 } }, ...]
   */
  async apply(desired: DesiredService[], options?: ApplyOptions): Promise<TableChange[]> {
    // One at a time per handle: each plans against the table the previous one left.
    const run = this.#applying.then(() => applyTable({ records: () => this.#snapshotRecords(), batch: () => this.batch() }, desired, options));
    this.#applying = run.catch(() => undefined);
    return run;
  }

  /**
   * Snapshots every `interval` ms (default 2000) with per-interval counter
   * deltas and rates, and the changes since the previous one. An async
   * iterator of samples and an EventEmitter ('sample', 'change', 'error');
   * close() (or leaving the for-await loop) stops it.
   * @example
   * for await (const sample of ipvs.watch({ interval: 1000 })) {
   *   for (const svc of sample.services) console.log(svc.port, svc.delta?.cps);
   *   for (const c of sample.changes) console.log(c.action, c.service, c.destination);
   * }
   */
  watch(options?: WatchOptions): Watch {
    const interval = checkWatchOptions(options);
    if (!this.#handle) throw closedError('watch');
    return new Watch(() => this.#snapshotRecords(), interval);
  }

  /**
   * IPVS version and connection table size.
   * @example
   * const { version, connectionTableSize } = await ipvs.info(); // '1.2.1', 4096
   */
  async info(): Promise<Info> {
    return toInfo(await this.#call('info', {}, (h) => h.info()));
  }

  /**
   * TCP, TCP FIN_WAIT and UDP connection timeouts, in seconds.
   * @example
   * const { tcp, tcpFin, udp } = await ipvs.timeouts(); // seconds: 900 120 300
   */
  async timeouts(): Promise<Timeouts> {
    return this.#call('timeouts', {}, (h) => h.timeouts());
  }

  /**
   * Sets connection timeouts (seconds, 1..2678400); fields not given keep
   * their current value.
   * @example
   * await ipvs.setTimeouts({ tcp: 3600 });
   */
  async setTimeouts(timeouts: Partial<Timeouts>): Promise<void> {
    const t = checkTimeouts(timeouts);
    await this.#call('setTimeouts', {}, (h) => h.setTimeouts(t));
  }

  /**
   * Zeroes the counters of one service (and its destinations), or of everything.
   * @example
   * await ipvs.zero({ protocol: 'tcp', address: '10.1.0.1', port: 80 }); // one service
   * await ipvs.zero(); // every service
   */
  async zero(key?: ServiceKey): Promise<void> {
    if (key === undefined) return this.#call('zero', {}, (h) => h.zero());
    const k = checkServiceKey(key);
    await this.#call('zero', { service: describeRawService(k.raw) }, (h) => h.zero(k.raw));
  }

  /**
   * Deletes every service (and destination) of this network namespace.
   * @example
   * await ipvs.flush(); // the whole table of this handle's namespace
   */
  async flush(): Promise<void> {
    await this.#call('flush', {}, (h) => h.flush());
  }

  /**
   * The kernel's connection table (/proc/net/ip_vs_conn of this handle's
   * namespace), optionally filtered. For very large tables prefer
   * eachConnection(), which never holds more than one chunk of rows.
   * @example
   * const open = await ipvs.connections({ service: { protocol: 'tcp', address: '10.1.0.1', port: 80 }, state: 'ESTABLISHED' });
   */
  async connections(query?: ConnectionQuery): Promise<Connection[]> {
    const out: Connection[] = [];
    for await (const _ of connectionChunks(this.#openProc, 'connections', query, () => out));
    return out;
  }

  /**
   * The connection table as an async iterator: read on the thread pool 512
   * KiB (about 7,000 rows) at a time, the event loop running between reads.
   * `stream.Readable.from(ipvs.eachConnection())` makes it a stream. Run it to
   * the end or leave the loop (`break` closes the file); an iterator dropped
   * half-way keeps its file open.
   * @example
   * for await (const c of ipvs.eachConnection({ template: false })) console.log(c.clientAddress, c.state);
   */
  async *eachConnection(query?: ConnectionQuery): AsyncGenerator<Connection, void, undefined> {
    for await (const rows of connectionChunks(this.#openProc, 'eachConnection', query, () => [])) yield* rows;
  }

  /**
   * Totals and rates over every service of the namespace since the last
   * zero() (/proc/net/ip_vs_stats), with per-CPU counters.
   * @example
   * const g = await ipvs.globalStats();
   * console.log(g.connections, g.inBytes, g.perCpu.length);
   */
  async globalStats(): Promise<GlobalStats> {
    return readGlobalStats(this.#openProc);
  }

  /**
   * The running sync daemons (none, master, backup or both), with effective settings.
   * @example
   * for (const d of await ipvs.daemons()) console.log(d.state, d.interface, d.syncId);
   */
  async daemons(): Promise<Daemon[]> {
    return (await this.#call('daemons', {}, (h) => h.daemons())).map(toDaemon);
  }

  /**
   * Starts a connection-synchronisation daemon, as `ipvsadm --start-daemon`.
   * Rejects with 'EEXIST' when that daemon runs already, 'ENODEV' for an
   * unknown interface.
   * @example
   * await ipvs.startDaemon({ state: 'master', interface: 'eth0', syncId: 7 });
   */
  async startDaemon(spec: DaemonSpec): Promise<void> {
    const d = checkDaemonSpec(spec);
    await this.#call('startDaemon', {}, (h) => h.startDaemon(d));
  }

  /**
   * Stops the master or backup daemon; rejects with 'ESRCH' when it does not run.
   * @example
   * await ipvs.stopDaemon('master');
   */
  async stopDaemon(state: DaemonState): Promise<void> {
    const s = checkDaemonState('state', state);
    await this.#call('stopDaemon', {}, (h) => h.stopDaemon(s));
  }

  /**
   * Every destination with weight and connection counts, from the kernel's
   * own listing (/proc/net/ip_vs): one read instead of a dump per service.
   * @internal
   */
  async [READ_BACKENDS](): Promise<ProcBackend[]> {
    return readBackends(this.#openProc, 'backends');
  }

  /** Opens an IPVS /proc/net file of the handle's namespace; resolves its fd. */
  readonly #openProc = (operation: string, file: string): Promise<number> => this.#call(operation, {}, (h) => h.openProcFile(file));

  async #call<T>(operation: string, target: ErrorTarget, run: (h: NativeHandle) => Promise<T>, service?: RawService): Promise<T> {
    const handle = this.#handle;
    if (!handle) throw closedError(operation);
    try {
      return await run(handle);
    } catch (e) {
      throw toIpvsError(e, operation, target, service);
    }
  }
}

function notANamespace(cause: IpvsError, netns: unknown): IpvsError {
  return new IpvsError({
    message: `open: options.netns (${String(netns)}) is not a network namespace [EINVAL]`,
    code: 'EINVAL',
    errno: cause.errno,
    syscall: cause.syscall,
    operation: 'open',
  });
}
