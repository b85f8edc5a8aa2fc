/**
 * ipvsadm's commands and options: the option table popt scans with, and the
 * tables of which options each command (and each tunnel type) needs, allows
 * or refuses, with the names its messages use.
 * @module
 */
import type { OptionSpec } from './popt';

export const CMD = {
  ADD: 1, EDIT: 2, DEL: 3, FLUSH: 4, LIST: 5, ADDDEST: 6, DELDEST: 7, EDITDEST: 8,
  TIMEOUT: 9, STARTDAEMON: 10, STOPDAEMON: 11, RESTORE: 12, SAVE: 13, ZERO: 14,
} as const;

export const CMD_NAMES = [
  'add-service', 'edit-service', 'delete-service', 'flush', 'list', 'add-server', 'delete-server',
  'edit-server', 'set', 'start-daemon', 'stop-daemon', 'restore', 'save', 'zero',
];

/** Option numbers (OPTC_*): bit positions in the set of given options. */
export const OPT = {
  NUMERIC: 0, CONNECTION: 1, SERVICE: 2, SCHEDULER: 3, PERSISTENT: 4, NETMASK: 5, SERVER: 6, FORWARD: 7,
  WEIGHT: 8, UTHRESHOLD: 9, LTHRESHOLD: 10, MCAST: 11, TIMEOUT: 12, DAEMON: 13, STATS: 14, RATE: 15,
  THRESHOLDS: 16, PERSISTENTCONN: 17, NOSORT: 18, SYNCID: 19, EXACT: 20, ONEPACKET: 21,
  PERSISTENCE_ENGINE: 22, SCHED_FLAGS: 23, MCAST_GROUP: 24, MCAST_PORT: 25, MCAST_TTL: 26, SYNC_MAXLEN: 27,
  TUN_INFO: 28, TUN_TYPE: 29, TUN_PORT: 30, TUN_NOCSUM: 31, TUN_CSUM: 32, TUN_REMCSUM: 33,
} as const;

export const OPT_NAMES = [
  'numeric', 'connection', 'service-address', 'scheduler', 'persistent', 'netmask', 'real-server',
  'forwarding-method', 'weight', 'u-threshold', 'l-threshold', 'mcast-interface', 'timeout', 'daemon',
  'stats', 'rate', 'thresholds', 'persistent-conn', 'nosort', 'syncid', 'exact', 'ops', 'pe', 'sched-flags',
  'mcast-group', 'mcast-port', 'mcast-ttl', 'sync-maxlen', 'tun-info', 'tun-type', 'tun-port',
  'tun-nocsum', 'tun-csum', 'tun-remcsum',
];

/**
 * Per command, per option: '+' required, 'x' refused, '1' at most one of
 * the '1's, ' ' optional. Columns in OPT order.
 */
export const COMMANDS_V_OPTIONS: readonly string[] = [
  //     -n -c svc -s -p -M -r fwd -w -x -y mc tot dmn st rt thr pc srt sid ex ops pe -b grp port ttl size tinf type tprt nocs csum remc
  /*ADD*/      'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx',
  /*EDIT*/     'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx',
  /*DEL*/      'xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*FLUSH*/    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*LIST*/     ' 11xxxxxxxxx11       xxxxxxx xxxxx',
  /*ADDSRV*/   'xx+xxx+    xxxxxxxxxxxxxxxxxx     ',
  /*DELSRV*/   'xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*EDITSRV*/  'xx+xxx+    xxxxxxxxxxxxxxxxxx     ',
  /*TIMEOUT*/  'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*STARTD*/   'xxxxxxxxxxx xxxxxxx xxxx    xxxxxx',
  /*STOPD*/    'xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx',
  /*RESTORE*/  'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*SAVE*/     ' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*ZERO*/     'xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
];

export const TUN_NAMES = ['ipip', 'gue', 'gre'];

/** The tunnel options' columns and, per tunnel type, their rules (same key). */
export const TUN_OPTS = [OPT.TUN_PORT, OPT.TUN_NOCSUM, OPT.TUN_CSUM, OPT.TUN_REMCSUM];
export const TUNNEL_TYPES_V_OPTIONS: readonly string[] = ['xxxx', '+111', 'x11x'];

// Tags of the options without a short name (ipvsadm's TAG_*).
const long = (name: string, arg: OptionSpec['arg'] = 'none'): OptionSpec => ({ long: name, arg, tag: name });
const both = (name: string, short: string, arg: OptionSpec['arg'] = 'none'): OptionSpec => ({ long: name, short, arg, tag: short });

/** ipvsadm's popt table, in its order (the first match wins). */
export const OPTION_TABLE: readonly OptionSpec[] = [
  both('add-service', 'A'), both('edit-service', 'E'), both('delete-service', 'D'), both('clear', 'C'),
  both('list', 'L'), both('list', 'l'), both('zero', 'Z'), both('add-server', 'a'), both('edit-server', 'e'),
  both('delete-server', 'd'), long('set'), both('help', 'h'), both('version', 'v'), both('restore', 'R'),
  both('save', 'S'), long('start-daemon', 'string'), long('stop-daemon', 'string'),
  both('tcp-service', 't', 'string'), both('udp-service', 'u', 'string'), long('sctp-service', 'string'),
  both('fwmark-service', 'f', 'string'), both('scheduler', 's', 'string'), both('persistent', 'p', 'optional'),
  both('netmask', 'M', 'string'), both('real-server', 'r', 'string'), both('masquerading', 'm'),
  both('ipip', 'i'), both('gatewaying', 'g'), both('weight', 'w', 'string'), both('u-threshold', 'x', 'string'),
  both('l-threshold', 'y', 'string'), both('numeric', 'n'), both('connection', 'c'),
  long('mcast-interface', 'string'), long('syncid', 'string'), long('timeout'), long('daemon'), long('stats'),
  long('rate'), long('thresholds'), long('persistent-conn'), long('nosort'), long('sort'), both('exact', 'X'),
  both('ipv6', '6'), both('ops', 'o'), long('pe', 'string'), both('sched-flags', 'b', 'string'),
  long('mcast-group', 'string'), long('mcast-port', 'string'), long('mcast-ttl', 'string'),
  long('sync-maxlen', 'string'), long('tun-info'), long('tun-type', 'string'), long('tun-port', 'string'),
  long('tun-nocsum'), long('tun-csum'), long('tun-remcsum'),
];
