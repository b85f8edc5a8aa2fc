/**
 * Host and service names as ipvsadm looks them up through the C library:
 * /etc/services for ports (getservbyname/getservbyport, first entry in file
 * order), the resolver for hosts (gethostbyname for IPv4 only, reverse
 * lookups through getnameinfo, which answers what gethostbyaddr does).
 * Lookups are cached for the life of one command.
 * @module
 */
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';

type ProtoName = 'tcp' | 'udp' | 'sctp';

interface ServiceEntry {
  name: string;
  aliases: string[];
  port: number;
  proto: string;
}

let services: ServiceEntry[] | undefined;

function serviceTable(): ServiceEntry[] {
  if (services) return services;
  let text = '';
  try {
    text = readFileSync('/etc/services', 'latin1');
  } catch {
    // No file: no names, as with the C library.
  }
  services = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').split(/[ \t]+/).filter(Boolean);
    const m = /^(\d+)\/(\S+)$/.exec(fields[1] ?? '');
    if (!m) continue;
    services.push({ name: fields[0]!, aliases: fields.slice(2), port: Number(m[1]), proto: m[2]! });
  }
  return services;
}

/** IPPROTO number -> the name /etc/services uses; undefined for others (fwmark: no lookups). */
export function protoName(protocol: number): ProtoName | undefined {
  return protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : protocol === 132 ? 'sctp' : undefined;
}

/** getservbyname(name, proto): the port, or -1. */
export function serviceToPort(name: string, protocol: number): number {
  const proto = protoName(protocol);
  if (!proto) return -1;
  const e = serviceTable().find((s) => s.proto === proto && (s.name === name || s.aliases.includes(name)));
  return e ? e.port & 0xffff : -1;
}

/** getservbyport(port, proto): the official name, or undefined. */
export function portToService(port: number, protocol: number): string | undefined {
  const proto = protoName(protocol);
  if (!proto) return undefined;
  return serviceTable().find((s) => s.proto === proto && s.port === port)?.name;
}

export class Resolver {
  private readonly reverse = new Map<string, Promise<string | undefined>>();

  /** gethostbyname(): the first IPv4 address of a name, or undefined. */
  async hostToAddress(name: string): Promise<string | undefined> {
    if (name === '') return undefined;
    try {
      return (await dns.lookup(name, { family: 4 })).address;
    } catch {
      return undefined;
    }
  }

  /** gethostbyaddr(): the host's name, or undefined. */
  addressToHost(address: string): Promise<string | undefined> {
    let known = this.reverse.get(address);
    if (!known) {
      known = dns.lookupService(address, 0).then(
        (r) => r.hostname,
        () => undefined,
      );
      this.reverse.set(address, known);
    }
    return known;
  }
}
