/**
 * ipvs: typed control of the Linux kernel's IP Virtual Server from Node.js.
 * @module
 */
export { Ipvs } from './ipvs';
export { Batch, IpvsBatchError, type BatchOperation, type BatchResult, type BatchRunOptions } from './batch';
export { IpvsApplyError, type ApplyOptions, type FailedChange } from './table/apply';
export type { TableChange } from './table/plan';
export { Watch, type StatsDelta, type WatchedDestination, type WatchedService, type WatchOptions, type WatchSample } from './watch';
export { IpvsError, type ErrorTarget, type IpvsArgumentError } from './errors';
export { SCHEDULERS } from './constants';
export type {
  AddressServiceKey,
  Connection,
  ConnectionQuery,
  ConnectionState,
  CpuStats,
  Daemon,
  DaemonSpec,
  DaemonState,
  Destination,
  DestinationKey,
  DestinationSpec,
  DesiredService,
  Family,
  Forwarding,
  FwmarkServiceKey,
  GlobalStats,
  Info,
  OpenOptions,
  Persistence,
  Protocol,
  Scheduler,
  Service,
  ServiceFlags,
  ServiceKey,
  ServiceSettings,
  ServiceSpec,
  SnapshotService,
  Stats,
  Timeouts,
  TunnelChecksum,
  TunnelOptions,
  TunnelType,
} from './types';
