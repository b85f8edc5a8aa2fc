/**
 * ipvs-exporter's command line: `--name value` or `--name=value`; `--extras`
 * alone means every group.
 * @module
 */
import { BACKEND_LABELS, EXTRAS, type Extra } from '../../lib/prometheus/index';

export const USAGE = `Usage: ipvs-exporter [options]

Serves the kernel's IPVS metrics for Prometheus: node_exporter's node_ipvs_*
series, and with --extras the ipvs_* series node_exporter lacks.

  --listen [HOST]:PORT     where to listen (default :9850, every address)
  --path PATH              the metrics path (default /metrics)
  --extras[=GROUPS]        extra series: all, or a comma list of
                           ${EXTRAS.join(', ')}
  --netns PATH             read this network namespace (e.g. /run/netns/lb)
  --backend-labels LIST    labels of the node_ipvs_backend_* series, as
                           node_exporter's --collector.ipvs.backend-labels
                           (default ${BACKEND_LABELS.join(',')})
  --help                   this text
  --version                the version
`;

export interface Flags {
  host: string | undefined;
  port: number;
  path: string;
  extras: Extra[];
  netns: string | undefined;
  backendLabels: string[] | undefined;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

/** '[::1]:9850', '127.0.0.1:9850', ':9850' -> host (undefined: all) and port. */
export function parseListen(v: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen: expected [HOST]:PORT, got "${v}"`);
  return { host: m[1] ?? (m[2] || undefined), port };
}

function list(v: string): string[] {
  return v.split(',').map((x) => x.trim());
}

export function parseFlags(argv: readonly string[]): Flags {
  const f: Flags = { host: undefined, port: 9850, path: '/metrics', extras: [], netns: undefined, backendLabels: undefined, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--listen':
        Object.assign(f, parseListen(value()));
        break;
      case '--path': {
        const p = value();
        if (!p.startsWith('/')) throw new UsageError(`--path must start with "/", got "${p}"`);
        f.path = p;
        break;
      }
      case '--extras': {
        const groups = inline === undefined || inline === 'all' ? [...EXTRAS] : list(inline);
        const bad = groups.filter((g) => !(EXTRAS as readonly string[]).includes(g));
        if (bad.length) throw new UsageError(`--extras: unknown group "${bad.join(', ')}" (groups: ${EXTRAS.join(', ')})`);
        f.extras = groups as Extra[];
        break;
      }
      case '--netns':
        f.netns = value();
        break;
      case '--backend-labels':
      case '--collector.ipvs.backend-labels':
        f.backendLabels = list(value());
        break;
      case '--help':
      case '-h':
        f.help = true;
        break;
      case '--version':
        f.version = true;
        break;
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  return f;
}
