// Fault injection for the netlink hardening tests, loaded with LD_PRELOAD into
// a child process: it wraps recvmmsg() (what the addon receives with) and
// perturbs what the real kernel sent, in ways the kernel does only rarely or
// (NLM_F_DUMP_INTR: IPVS dumps never set it) not for IPVS at all.
//
//   IPVS_NETLINK_FAULT=<mode>:<count>
//     intr     set NLM_F_DUMP_INTR on the messages of the datagram that ends
//              a dump (the kernel marks NLMSG_DONE too)
//     enobufs  deliver a dump datagram that does not end the dump, drop what
//              came after it, and fail the next call with ENOBUFS
//     trunc    flag a datagram from the kernel MSG_TRUNC
//     short    cut 6 bytes off the end of a datagram from the kernel
// Read when first set (so a child can open its handle before arming it); each
// fault is used once, `count` times in all; at exit the number used is
// printed to stderr as "netlink-faults: <mode> <n>".
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*recvmmsg_fn)(int, struct mmsghdr*, unsigned int, int, struct timespec*);

static char mode[16];
static int armed, left, used, pending_enobufs;

static void arm(void) {
  const char* spec = getenv("IPVS_NETLINK_FAULT");
  if (spec != NULL && sscanf(spec, "%15[a-z]:%d", mode, &left) == 2) armed = 1;
}

__attribute__((destructor)) static void report(void) {
  if (mode[0]) fprintf(stderr, "netlink-faults: %s %d\n", mode, used);
}

// Whether the datagram holds dump data (multipart, not a control message) and
// whether it ends the dump (NLMSG_DONE).
static void scan(unsigned char* p, size_t len, int* data, int* done) {
  for (struct nlmsghdr* h = (struct nlmsghdr*)p; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
    if (h->nlmsg_type == NLMSG_DONE) *done = 1;
    else if ((h->nlmsg_flags & NLM_F_MULTI) && h->nlmsg_type >= NLMSG_MIN_TYPE) *data = 1;
  }
}

static void mark_interrupted(unsigned char* p, size_t len) {
  for (struct nlmsghdr* h = (struct nlmsghdr*)p; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) h->nlmsg_flags |= NLM_F_DUMP_INTR;
}

int recvmmsg(int fd, struct mmsghdr* msgs, unsigned int vlen, int flags, struct timespec* timeout) {
  static recvmmsg_fn real;
  if (real == NULL) real = (recvmmsg_fn)dlsym(RTLD_NEXT, "recvmmsg");
  if (!armed) arm();
  if (pending_enobufs) {
    pending_enobufs = 0;
    errno = ENOBUFS;
    return -1;
  }
  int n = real(fd, msgs, vlen, flags, timeout);
  for (int i = 0; i < n && left > 0; ++i) {
    struct sockaddr_nl* from = msgs[i].msg_hdr.msg_name;
    if (from == NULL || from->nl_family != AF_NETLINK || from->nl_pid != 0) continue;
    unsigned char* p = msgs[i].msg_hdr.msg_iov[0].iov_base;
    size_t len = msgs[i].msg_len;
    int data = 0, done = 0;
    scan(p, len, &data, &done);
    if (strcmp(mode, "intr") == 0 && done) {
      mark_interrupted(p, len);
    } else if (strcmp(mode, "enobufs") == 0 && data && !done) {
      n = i + 1;  // what came after is lost
      pending_enobufs = 1;
    } else if (strcmp(mode, "trunc") == 0) {
      msgs[i].msg_hdr.msg_flags |= MSG_TRUNC;
    } else if (strcmp(mode, "short") == 0 && len > NLMSG_HDRLEN + 6) {
      msgs[i].msg_len -= 6;
    } else {
      continue;
    }
    --left;
    ++used;
    break;
  }
  return n;
}
