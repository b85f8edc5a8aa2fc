/**
 * Fixed texts of ipvsadm 1.31 (Debian 1:1.31-1): version line, usage, the
 * messages libipvs gives for kernel errors (ipvs_strerror) and glibc's
 * strerror() texts it falls back to.
 * @module
 */

export const VERSION_LINE = 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n';

/** `ipvsadm -h` on stdout (exit 0); the program name is the invoked one. */
export function usage(program: string): string {
  return VERSION_LINE + USAGE.replace(/^ {2}ipvsadm /gm, `  ${program} `);
}

const USAGE = `Usage:
  ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]
  ipvsadm -D virtual-service
  ipvsadm -C
  ipvsadm -R
  ipvsadm -S [-n]
  ipvsadm -a|e virtual-service -r server-address [options]
  ipvsadm -d virtual-service -r server-address
  ipvsadm -L|l [virtual-service] [options]
  ipvsadm -Z [virtual-service]
  ipvsadm --set tcp tcpfin udp
  ipvsadm --start-daemon {master|backup} [daemon-options]
  ipvsadm --stop-daemon {master|backup}
  ipvsadm -h

Commands:
Either long or short options are allowed.
  --add-service     -A        add virtual service with options
  --edit-service    -E        edit virtual service with options
  --delete-service  -D        delete virtual service
  --clear           -C        clear the whole table
  --restore         -R        restore rules from stdin
  --save            -S        save rules to stdout
  --add-server      -a        add real server with options
  --edit-server     -e        edit real server with options
  --delete-server   -d        delete real server
  --list            -L|-l     list the table
  --zero            -Z        zero counters in a service or all services
  --set tcp tcpfin udp        set connection timeout values
  --start-daemon              start connection sync daemon
  --stop-daemon               stop connection sync daemon
  --help            -h        display this help message

virtual-service:
  --tcp-service|-t  service-address   service-address is host[:port]
  --udp-service|-u  service-address   service-address is host[:port]
  --sctp-service    service-address   service-address is host[:port]
  --fwmark-service|-f fwmark          fwmark is an integer greater than zero

Options:
  --ipv6         -6                   fwmark entry uses IPv6
  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,
                                      the default scheduler is wlc.
  --pe            engine              alternate persistence engine may be sip,
                                      not set by default.
  --persistent   -p [timeout]         persistent service
  --netmask      -M netmask           persistent granularity mask
  --real-server  -r server-address    server-address is host (and port)
  --gatewaying   -g                   gatewaying (direct routing) (default)
  --ipip         -i                   ipip encapsulation (tunneling)
  --masquerading -m                   masquerading (NAT)
  --tun-type      type                one of ipip|gue|gre,
                                      the default tunnel type is ipip.
  --tun-port      port                tunnel destination port
  --tun-nocsum                        tunnel encapsulation without checksum
  --tun-csum                          tunnel encapsulation with checksum
  --tun-remcsum                       tunnel encapsulation with remote checksum
  --weight       -w weight            capacity of real server
  --u-threshold  -x uthreshold        upper threshold of connections
  --l-threshold  -y lthreshold        lower threshold of connections
  --connection   -c                   output of current IPVS connections
  --timeout                           output of timeout (tcp tcpfin udp)
  --daemon                            output of daemon information
  --stats                             output of statistics information
  --rate                              output of rate information
  --exact                             expand numbers (display exact values)
  --thresholds                        output of thresholds information
  --persistent-conn                   output of persistent connection info
  --tun-info                          output of tunnel information
  --nosort                            disable sorting output of service/server entries
  --sort                              does nothing, for backwards compatibility
  --ops          -o                   one-packet scheduling
  --numeric      -n                   numeric output of addresses and ports
  --sched-flags  -b flags             scheduler flags (comma-separated)
Daemon Options:
  --syncid sid                        syncid for connection sync (default=255)
  --sync-maxlen length                Max sync message length (default=1472)
  --mcast-interface interface         multicast interface for connection sync
  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)
  --mcast-port port                   UDP port (default=8848)
  --mcast-ttl ttl                     Multicast TTL (default=1)
`;

export const tryHelp = (program: string): string => `Try \`${program} -h' or '${program} --help' for more information.\n`;

/** The libipvs call behind each command, which decides what an errno means. */
export type Call =
  | 'addService' | 'updateService' | 'deleteService' | 'zero' | 'addDestination' | 'updateDestination'
  | 'deleteDestination' | 'startDaemon' | 'stopDaemon' | 'services' | 'destinations' | 'service'
  | 'flush' | 'setTimeouts' | 'init';

const BY_CALL: Partial<Record<Call, Record<number, string>>> = {
  addService: { 17: 'Service already exists', 2: 'Scheduler or persistence engine not found' },
  updateService: { 3: 'No such service', 2: 'Scheduler or persistence engine not found' },
  deleteService: { 3: 'No such service' },
  zero: { 3: 'No such service' },
  addDestination: { 3: 'Service not defined', 17: 'Destination already exists' },
  updateDestination: { 3: 'Service not defined', 2: 'No such destination' },
  deleteDestination: { 3: 'Service not defined', 2: 'No such destination' },
  startDaemon: { 17: 'Daemon has already run' },
  stopDaemon: { 3: 'No daemon is running' },
  services: { 3: 'No such service' },
  destinations: { 3: 'No such service' },
  service: { 3: 'No such service' },
};

const ANY_CALL: Record<number, string> = {
  1: 'Permission denied (you must be root)',
  22: 'Invalid operation.  Possibly wrong module version, address not unicast, ...',
  92: 'Protocol not available',
  12: 'Memory allocation problem',
  95: 'Operation not supported with IPv6',
  97: 'Operation not supported with specified address family',
  90: 'Module is wrong version',
};

/** ipvs_strerror(): the message for a (positive) errno from `call`. */
export function ipvsStrerror(call: Call, errno: number): string {
  return BY_CALL[call]?.[errno] ?? ANY_CALL[errno] ?? strerror(errno);
}

/** glibc's strerror(). */
export function strerror(errno: number): string {
  return STRERROR[errno] ?? `Unknown error ${errno}`;
}

const STRERROR: Record<number, string> = {
  1: 'Operation not permitted', // EPERM
  2: 'No such file or directory', // ENOENT
  3: 'No such process', // ESRCH
  4: 'Interrupted system call', // EINTR
  5: 'Input/output error', // EIO
  6: 'No such device or address', // ENXIO
  7: 'Argument list too long', // E2BIG
  8: 'Exec format error', // ENOEXEC
  9: 'Bad file descriptor', // EBADF
  10: 'No child processes', // ECHILD
  11: 'Resource temporarily unavailable', // EAGAIN
  12: 'Cannot allocate memory', // ENOMEM
  13: 'Permission denied', // EACCES
  14: 'Bad address', // EFAULT
  15: 'Block device required', // ENOTBLK
  16: 'Device or resource busy', // EBUSY
  17: 'File exists', // EEXIST
  18: 'Invalid cross-device link', // EXDEV
  19: 'No such device', // ENODEV
  20: 'Not a directory', // ENOTDIR
  21: 'Is a directory', // EISDIR
  22: 'Invalid argument', // EINVAL
  23: 'Too many open files in system', // ENFILE
  24: 'Too many open files', // EMFILE
  25: 'Inappropriate ioctl for device', // ENOTTY
  26: 'Text file busy', // ETXTBSY
  27: 'File too large', // EFBIG
  28: 'No space left on device', // ENOSPC
  29: 'Illegal seek', // ESPIPE
  30: 'Read-only file system', // EROFS
  31: 'Too many links', // EMLINK
  32: 'Broken pipe', // EPIPE
  33: 'Numerical argument out of domain', // EDOM
  34: 'Numerical result out of range', // ERANGE
  35: 'Resource deadlock avoided', // EDEADLOCK
  36: 'File name too long', // ENAMETOOLONG
  37: 'No locks available', // ENOLCK
  38: 'Function not implemented', // ENOSYS
  39: 'Directory not empty', // ENOTEMPTY
  40: 'Too many levels of symbolic links', // ELOOP
  42: 'No message of desired type', // ENOMSG
  43: 'Identifier removed', // EIDRM
  44: 'Channel number out of range', // ECHRNG
  45: 'Level 2 not synchronized', // EL2NSYNC
  46: 'Level 3 halted', // EL3HLT
  47: 'Level 3 reset', // EL3RST
  48: 'Link number out of range', // ELNRNG
  49: 'Protocol driver not attached', // EUNATCH
  50: 'No CSI structure available', // ENOCSI
  51: 'Level 2 halted', // EL2HLT
  52: 'Invalid exchange', // EBADE
  53: 'Invalid request descriptor', // EBADR
  54: 'Exchange full', // EXFULL
  55: 'No anode', // ENOANO
  56: 'Invalid request code', // EBADRQC
  57: 'Invalid slot', // EBADSLT
  59: 'Bad font file format', // EBFONT
  60: 'Device not a stream', // ENOSTR
  61: 'No data available', // ENODATA
  62: 'Timer expired', // ETIME
  63: 'Out of streams resources', // ENOSR
  64: 'Machine is not on the network', // ENONET
  65: 'Package not installed', // ENOPKG
  66: 'Object is remote', // EREMOTE
  67: 'Link has been severed', // ENOLINK
  68: 'Advertise error', // EADV
  69: 'Srmount error', // ESRMNT
  70: 'Communication error on send', // ECOMM
  71: 'Protocol error', // EPROTO
  72: 'Multihop attempted', // EMULTIHOP
  73: 'RFS specific error', // EDOTDOT
  74: 'Bad message', // EBADMSG
  75: 'Value too large for defined data type', // EOVERFLOW
  76: 'Name not unique on network', // ENOTUNIQ
  77: 'File descriptor in bad state', // EBADFD
  78: 'Remote address changed', // EREMCHG
  79: 'Can not access a needed shared library', // ELIBACC
  80: 'Accessing a corrupted shared library', // ELIBBAD
  81: '.lib section in a.out corrupted', // ELIBSCN
  82: 'Attempting to link in too many shared libraries', // ELIBMAX
  83: 'Cannot exec a shared library directly', // ELIBEXEC
  84: 'Invalid or incomplete multibyte or wide character', // EILSEQ
  85: 'Interrupted system call should be restarted', // ERESTART
  86: 'Streams pipe error', // ESTRPIPE
  87: 'Too many users', // EUSERS
  88: 'Socket operation on non-socket', // ENOTSOCK
  89: 'Destination address required', // EDESTADDRREQ
  90: 'Message too long', // EMSGSIZE
  91: 'Protocol wrong type for socket', // EPROTOTYPE
  92: 'Protocol not available', // ENOPROTOOPT
  93: 'Protocol not supported', // EPROTONOSUPPORT
  94: 'Socket type not supported', // ESOCKTNOSUPPORT
  95: 'Operation not supported', // ENOTSUP
  96: 'Protocol family not supported', // EPFNOSUPPORT
  97: 'Address family not supported by protocol', // EAFNOSUPPORT
  98: 'Address already in use', // EADDRINUSE
  99: 'Cannot assign requested address', // EADDRNOTAVAIL
  100: 'Network is down', // ENETDOWN
  101: 'Network is unreachable', // ENETUNREACH
  102: 'Network dropped connection on reset', // ENETRESET
  103: 'Software caused connection abort', // ECONNABORTED
  104: 'Connection reset by peer', // ECONNRESET
  105: 'No buffer space available', // ENOBUFS
  106: 'Transport endpoint is already connected', // EISCONN
  107: 'Transport endpoint is not connected', // ENOTCONN
  108: 'Cannot send after transport endpoint shutdown', // ESHUTDOWN
  109: 'Too many references: cannot splice', // ETOOMANYREFS
  110: 'Connection timed out', // ETIMEDOUT
  111: 'Connection refused', // ECONNREFUSED
  112: 'Host is down', // EHOSTDOWN
  113: 'No route to host', // EHOSTUNREACH
  114: 'Operation already in progress', // EALREADY
  115: 'Operation now in progress', // EINPROGRESS
  116: 'Stale file handle', // ESTALE
  117: 'Structure needs cleaning', // EUCLEAN
  118: 'Not a XENIX named type file', // ENOTNAM
  119: 'No XENIX semaphores available', // ENAVAIL
  120: 'Is a named type file', // EISNAM
  121: 'Remote I/O error', // EREMOTEIO
  122: 'Disk quota exceeded', // EDQUOT
  123: 'No medium found', // ENOMEDIUM
  124: 'Wrong medium type', // EMEDIUMTYPE
  125: 'Operation canceled', // ECANCELED
  126: 'Required key not available', // ENOKEY
  127: 'Key has expired', // EKEYEXPIRED
  128: 'Key has been revoked', // EKEYREVOKED
  129: 'Key was rejected by service', // EKEYREJECTED
  130: 'Owner died', // EOWNERDEAD
  131: 'State not recoverable', // ENOTRECOVERABLE
  132: 'Operation not possible due to RF-kill', // ERFKILL
};
