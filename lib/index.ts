/**
 * ipvs: typed control of the Linux kernel's IP Virtual Server from Node.js.
 * @module
 */
export { Ipvs } from './ipvs';
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
  Stats,
  Timeouts,
  TunnelChecksum,
  TunnelOptions,
  TunnelType,
} from './types';
