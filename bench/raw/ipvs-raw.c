/*
 * ipvs-raw.c - the "raw netlink lower bound" for the ipvs benchmarks.
 *
 * What a C programmer gets with only libc and the uapi headers: ONE persistent
 * NETLINK_GENERIC socket, requests built by hand and packed many to a
 * sendmsg() datagram, acks only where needed, dumps drained with few syscalls.
 * It builds the same table as the other benchmark tools (see README.md).
 *
 *   ipvs-raw create N D [--window W] [--ack each|last] [--recvmmsg]
 *   ipvs-raw dump [--recvmmsg]
 *   ipvs-raw flush
 *
 * Build: cc -O2 -Wall -Wextra -o ipvs-raw bench/raw/ipvs-raw.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>

#define MSG_MAX 256          /* bound for one request we build (largest, NEW_DEST, is 140 bytes) */
#define RBUF (64 * 1024)     /* per datagram; the kernel sizes dump datagrams to at most ~32 KiB */
#define NSLOT 64             /* recvmmsg slots: every ack is its own datagram */

static int fd, use_mmsg;
static uint32_t portid, seq;
static uint16_t family;              /* IPVS genl family id: dynamic, resolved once */
static long n_send, n_recv;          /* syscalls */
static volatile uint64_t sink;       /* parsed values end here so no parsing is optimised away */
static struct mmsghdr mm[NSLOT];
static struct iovec iov[NSLOT];
static struct sockaddr_nl from[NSLOT];

static void fail(const char *msg)
{
	fprintf(stderr, "ipvs-raw: %s\n", msg);
	exit(1);
}

static void die(const char *what)
{
	fprintf(stderr, "ipvs-raw: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------- building requests: messages back to back in one flat buffer ---------- */

struct buf { char *p; size_t len, cap; };

static void *put_raw(struct buf *b, size_t n)
{
	void *r = b->p + b->len;
	if (b->len + NLMSG_ALIGN(n) > b->cap)
		fail("internal: request buffer overflow");
	memset(r, 0, NLMSG_ALIGN(n));   /* padding must be zero */
	b->len += NLMSG_ALIGN(n);
	return r;
}

static struct nlmsghdr *msg_begin(struct buf *b, uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr *h = put_raw(b, NLMSG_HDRLEN);
	struct genlmsghdr *g = put_raw(b, GENL_HDRLEN);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++seq;   /* one seq per message, so an error names its culprit */
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : IPVS_GENL_VERSION;
	return h;
}

static void msg_end(struct buf *b, struct nlmsghdr *h)
{
	h->nlmsg_len = (uint32_t)(b->p + b->len - (char *)h);
}

static void attr(struct buf *b, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a = put_raw(b, NLA_HDRLEN + n);
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);   /* unpadded length */
	memcpy((char *)a + NLA_HDRLEN, data, n);
}

static void attr16(struct buf *b, uint16_t type, uint16_t v) { attr(b, type, &v, 2); }
static void attr32(struct buf *b, uint16_t type, uint32_t v) { attr(b, type, &v, 4); }

/* Returns the nest's offset for nest_end(); no NLA_F_NESTED, like libipvs (both are accepted). */
static size_t nest_begin(struct buf *b, uint16_t type)
{
	size_t off = b->len;
	((struct nlattr *)put_raw(b, NLA_HDRLEN))->nla_type = type;
	return off;
}

static void nest_end(struct buf *b, size_t off)
{
	((struct nlattr *)(b->p + off))->nla_len = (uint16_t)(b->len - off);
}

/* ---------- parsing replies ---------- */

/* Next attribute in [*p, end), NULL at the end (or at a malformed one). */
static const struct nlattr *next_attr(const char **p, const char *end)
{
	const struct nlattr *a = (const void *)*p;
	if (end - *p < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > end - *p)
		return NULL;
	*p += NLA_ALIGN(a->nla_len);
	return a;
}
#define ATTR_DATA(a) ((const char *)(a) + NLA_HDRLEN)
#define ATTR_LEN(a) ((size_t)(a)->nla_len - NLA_HDRLEN)
#define ATTR_TYPE(a) ((a)->nla_type & NLA_TYPE_MASK)
#define FOR_ATTRS(a, start, stop) \
	for (const char *p_ = (const char *)(start); ((a) = next_attr(&p_, (const char *)(stop)));)
#define FOR_NESTED(a, nest) FOR_ATTRS(a, ATTR_DATA(nest), ATTR_DATA(nest) + ATTR_LEN(nest))

/* A host-order integer of 1, 2, 4 or 8 bytes.  u64s may be only 4-byte aligned: memcpy. */
static uint64_t get_uint(const struct nlattr *a)
{
	uint64_t v64 = 0; uint32_t v32 = 0; uint16_t v16 = 0; uint8_t v8 = 0;
	switch (ATTR_LEN(a)) {
	case 8: memcpy(&v64, ATTR_DATA(a), 8); return v64;
	case 4: memcpy(&v32, ATTR_DATA(a), 4); return v32;
	case 2: memcpy(&v16, ATTR_DATA(a), 2); return v16;
	case 1: memcpy(&v8, ATTR_DATA(a), 1); return v8;
	}
	return 0;
}

/* Sum of a STATS64 nest's counters: all of them, or only CONNS. */
static uint64_t sum_stats(const struct nlattr *nest, int conns_only)
{
	const struct nlattr *a;
	uint64_t sum = 0;
	FOR_NESTED(a, nest)
		if (!conns_only || ATTR_TYPE(a) == IPVS_STATS_ATTR_CONNS)
			sum += get_uint(a);
	return sum;
}

/* ---------- the socket ---------- */

static void open_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	int big = 8 << 20, one = 1;
	struct timeval tv = { .tv_sec = 60 };   /* a lost reply fails the run instead of hanging it */
	char *rbuf = malloc((size_t)NSLOT * RBUF);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || !rbuf)
		die("socket");
	/* sk_sndbuf bounds the datagram (EMSGSIZE beyond sk_sndbuf - 32), sk_rcvbuf the
	 * replies that can queue before the kernel drops them (ENOBUFS).  The FORCE
	 * variants (root) ignore net.core.[rw]mem_max; the kernel doubles the value. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	/* CAP_ACK: an error does not echo the request back; EXT_ACK: error text, if any. */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen) < 0)
		die("bind");
	portid = sa.nl_pid;   /* the kernel picked it; replies must carry it */
	for (int i = 0; i < NSLOT; i++) {
		iov[i] = (struct iovec){ rbuf + (size_t)i * RBUF, RBUF };
		mm[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
}

static void send_buf(const struct buf *b)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	n_send++;
	if (sendto(fd, b->p, b->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		die(errno == EMSGSIZE ? "sendto (datagram larger than the send buffer)" : "sendto");
}

/* One receive syscall; returns the number of datagrams it brought. */
static int recv_some(void)
{
	int n;
	for (int i = 0; i < NSLOT; i++)
		mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
	do {
		n_recv++;
		if (use_mmsg) {   /* WAITFORONE: block for one datagram, then take what is queued */
			n = recvmmsg(fd, mm, NSLOT, MSG_WAITFORONE, NULL);
		} else {
			ssize_t r = recvmsg(fd, &mm[0].msg_hdr, 0);
			mm[0].msg_len = (unsigned)r;
			n = r < 0 ? -1 : 1;
		}
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == ENOBUFS)
		fail("ENOBUFS: receive buffer overrun, the kernel dropped replies");
	if (n < 0)
		die(errno == EAGAIN ? "recv (timed out)" : "recv");
	for (int i = 0; i < n; i++)
		if ((mm[i].msg_hdr.msg_flags & MSG_TRUNC) || from[i].nl_pid != 0)
			fail("truncated datagram, or one not from the kernel");
	return n;
}

/* Feeds every received message to fn until fn says the exchange is complete. */
typedef int (*handler)(const struct nlmsghdr *h, void *ctx);

static void receive_until(handler fn, void *ctx)
{
	for (int done = 0; !done;) {
		int n = recv_some();
		for (int i = 0; i < n; i++) {
			int len = (int)mm[i].msg_len;
			for (const struct nlmsghdr *h = iov[i].iov_base; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
				if (h->nlmsg_pid != portid)
					fail("reply for another port id");
				done |= fn(h, ctx);
			}
		}
	}
}

static int error_of(const struct nlmsghdr *h)
{
	return -((const struct nlmsgerr *)NLMSG_DATA(h))->error;
}

static void print_error(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const struct nlattr *a;
	const char *text = "";
	if (h->nlmsg_flags & NLM_F_ACK_TLVS) {   /* TLVs after the echoed request (header only if capped) */
		size_t off = NLMSG_HDRLEN + sizeof(*e);
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		FOR_ATTRS(a, (const char *)h + off, (const char *)h + h->nlmsg_len)
			if (ATTR_TYPE(a) == NLMSGERR_ATTR_MSG)
				text = ATTR_DATA(a);
	}
	fprintf(stderr, "error seq=%u errno=%d (%s) %s\n", h->nlmsg_seq, error_of(h), strerror(error_of(h)), text);
}

/* ---------- requests answered by acks: create, flush, family lookup ---------- */

struct window { uint32_t first, last; long acks, errors; };

static int on_ack(const struct nlmsghdr *h, void *ctx)
{
	struct window *w = ctx;
	if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq < w->first || h->nlmsg_seq > w->last)
		fail("unexpected reply while waiting for acks");
	w->acks++;
	if (error_of(h)) {
		w->errors++;
		print_error(h);
	}
	/* The kernel runs a datagram's messages in order (going on after a failure),
	 * so the reply to the last one is the last reply the datagram produces. */
	return h->nlmsg_seq == w->last;
}

/* Sends b (messages first..seq), waits for the last one's ack; returns the error count. */
static long send_window(struct buf *b, uint32_t first, int ack_each)
{
	struct window w = { first, seq, 0, 0 };
	send_buf(b);
	receive_until(on_ack, &w);
	if (ack_each && w.acks != (long)(w.last - w.first + 1))
		fail("acks missing");
	b->len = 0;
	return w.errors;
}

static int on_family(const struct nlmsghdr *h, void *ctx)
{
	const struct nlattr *a;
	(void)ctx;
	if (h->nlmsg_seq != seq)
		fail("unexpected seq in the family lookup");
	if (h->nlmsg_type == NLMSG_ERROR) {   /* the ack comes after the NEWFAMILY reply */
		if ((errno = error_of(h)))
			die(errno == ENOENT ? "family IPVS (modprobe ip_vs?)" : "CTRL_CMD_GETFAMILY");
		return 1;
	}
	FOR_ATTRS(a, (const char *)NLMSG_DATA(h) + GENL_HDRLEN, (const char *)h + h->nlmsg_len)
		if (ATTR_TYPE(a) == CTRL_ATTR_FAMILY_ID)
			family = (uint16_t)get_uint(a);
	return 0;
}

static void resolve_family(void)
{
	char mem[MSG_MAX];
	struct buf b = { mem, 0, sizeof(mem) };
	struct nlmsghdr *h = msg_begin(&b, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	attr(&b, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME, sizeof(IPVS_GENL_NAME));
	msg_end(&b, h);
	send_buf(&b);
	receive_until(on_family, NULL);
	if (!family)
		fail("no family id in the CTRL_CMD_NEWFAMILY reply");
}

static long flush(void)
{
	char mem[MSG_MAX];
	struct buf b = { mem, 0, sizeof(mem) };
	msg_end(&b, msg_begin(&b, family, NLM_F_ACK, IPVS_CMD_FLUSH));
	return send_window(&b, seq, 1);
}

/* ---------- create ---------- */

struct svc_key { uint16_t af, proto, port_be; uint32_t fwmark; uint8_t addr[16]; };

/* IPVS_CMD_ATTR_SERVICE: the identity, plus the configuration when full. */
static void put_service(struct buf *b, const struct svc_key *k, int full)
{
	size_t nest = nest_begin(b, IPVS_CMD_ATTR_SERVICE);
	attr16(b, IPVS_SVC_ATTR_AF, k->af);
	if (k->fwmark) {
		attr32(b, IPVS_SVC_ATTR_FWMARK, k->fwmark);
	} else {
		attr16(b, IPVS_SVC_ATTR_PROTOCOL, k->proto);
		attr(b, IPVS_SVC_ATTR_ADDR, k->addr, 16);   /* a whole union nf_inet_addr, as libipvs */
		attr(b, IPVS_SVC_ATTR_PORT, &k->port_be, 2);
	}
	if (full) {
		struct ip_vs_flags flags = { .flags = 0, .mask = ~0u };
		attr(b, IPVS_SVC_ATTR_SCHED_NAME, "wlc", 4);
		attr(b, IPVS_SVC_ATTR_FLAGS, &flags, sizeof(flags));
		attr32(b, IPVS_SVC_ATTR_TIMEOUT, 0);
		attr32(b, IPVS_SVC_ATTR_NETMASK, 0xffffffffu);
	}
	nest_end(b, nest);
}

static void put_dest(struct buf *b, long j)
{
	uint8_t addr[16] = { 10, 2, 0, (uint8_t)(j + 1) };
	uint16_t port_be = htons(8080);
	size_t nest = nest_begin(b, IPVS_CMD_ATTR_DEST);
	attr(b, IPVS_DEST_ATTR_ADDR, addr, 16);
	attr(b, IPVS_DEST_ATTR_PORT, &port_be, 2);
	attr32(b, IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_MASQ);
	attr32(b, IPVS_DEST_ATTR_WEIGHT, 1);
	attr32(b, IPVS_DEST_ATTR_U_THRESH, 0);
	attr32(b, IPVS_DEST_ATTR_L_THRESH, 0);
	attr16(b, IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET);
	nest_end(b, nest);
}

static int create(long n, long d, long window, int ack_each)
{
	struct buf b = { malloc((size_t)window * MSG_MAX), 0, (size_t)window * MSG_MAX };
	long errors, in_window = 0;
	uint32_t first = 0;
	double t0 = now();

	if (!b.p)
		die("malloc");
	errors = flush();   /* timed apart, not counted */
	fprintf(stderr, "flush seconds=%.4f\n", now() - t0);
	n_send = n_recv = 0;

	t0 = now();
	for (long i = 0; i < n; i++) {
		struct svc_key k = { .af = AF_INET, .proto = IPPROTO_TCP, .port_be = htons(80),
				     .addr = { 10, 1, (uint8_t)(i / 250), (uint8_t)(i % 250 + 1) } };
		for (long j = -1; j < d; j++) {   /* j = -1 is the service, then its dests */
			int last = in_window + 1 == window || (i == n - 1 && j == d - 1);
			struct nlmsghdr *h = msg_begin(&b, family, ack_each || last ? NLM_F_ACK : 0,
						       j < 0 ? IPVS_CMD_NEW_SERVICE : IPVS_CMD_NEW_DEST);
			put_service(&b, &k, j < 0);   /* a dest names its service by identity only */
			if (j >= 0)
				put_dest(&b, j);
			msg_end(&b, h);
			if (in_window++ == 0)
				first = h->nlmsg_seq;
			if (last) {
				errors += send_window(&b, first, ack_each);
				in_window = 0;
			}
		}
	}
	printf("create services=%ld dests=%ld window=%ld ack=%s seconds=%.4f sends=%ld recvs=%ld\n",
	       n, n * d, window, ack_each ? "each" : "last", now() - t0, n_send, n_recv);
	if (errors)
		fprintf(stderr, "errors=%ld\n", errors);
	return errors ? 1 : 0;
}

/* ---------- dump ---------- */

struct dump {
	uint32_t seq;
	uint8_t cmd;             /* the reply cmd: NEW_SERVICE or NEW_DEST */
	long count, cap;
	struct svc_key *keys;    /* services only */
	uint64_t acc;
};

static void parse_service(struct dump *d, const struct nlattr *nest)
{
	const struct nlattr *a;
	struct svc_key k = { 0 };
	FOR_NESTED(a, nest) {
		switch (ATTR_TYPE(a)) {
		case IPVS_SVC_ATTR_AF: k.af = (uint16_t)get_uint(a); break;
		case IPVS_SVC_ATTR_PROTOCOL: k.proto = (uint16_t)get_uint(a); break;
		case IPVS_SVC_ATTR_PORT: k.port_be = (uint16_t)get_uint(a); break;   /* stays in net order */
		case IPVS_SVC_ATTR_FWMARK: k.fwmark = (uint32_t)get_uint(a); break;
		case IPVS_SVC_ATTR_ADDR: memcpy(k.addr, ATTR_DATA(a), ATTR_LEN(a) < 16 ? ATTR_LEN(a) : 16); break;
		case IPVS_SVC_ATTR_STATS64: d->acc += sum_stats(a, 1); break;
		}
	}
	if (d->count == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 1024;
		if (!(d->keys = realloc(d->keys, (size_t)d->cap * sizeof(*d->keys))))
			die("realloc");
	}
	d->keys[d->count] = k;
}

/* Reads every destination attribute, as a client filling its struct would. */
static void parse_dest(struct dump *d, const struct nlattr *nest)
{
	const struct nlattr *a;
	uint8_t addr[16] = { 0 };
	FOR_NESTED(a, nest) {
		switch (ATTR_TYPE(a)) {
		case IPVS_DEST_ATTR_ADDR: memcpy(addr, ATTR_DATA(a), ATTR_LEN(a) < 16 ? ATTR_LEN(a) : 16); break;
		case IPVS_DEST_ATTR_STATS: break;   /* 32-bit legacy copy of STATS64 */
		case IPVS_DEST_ATTR_STATS64: d->acc += sum_stats(a, 0); break;
		default: d->acc += get_uint(a);     /* port, fwd, weight, thresholds, conns, af, tun_* */
		}
	}
	d->acc += addr[3];
}

static int on_dump(const struct nlmsghdr *h, void *ctx)
{
	struct dump *d = ctx;
	const struct genlmsghdr *g = NLMSG_DATA(h);
	const struct nlattr *a;
	if (h->nlmsg_seq != d->seq)
		fail("reply with an unexpected seq during a dump");
	if (h->nlmsg_type == NLMSG_DONE) {   /* payload: int status */
		if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) && *(const int *)NLMSG_DATA(h) < 0) {
			errno = -*(const int *)NLMSG_DATA(h);
			die("dump");
		}
		return 1;
	}
	if (h->nlmsg_type == NLMSG_ERROR) {   /* the dump did not start */
		print_error(h);
		exit(1);
	}
	if (h->nlmsg_type != family || g->cmd != d->cmd)
		fail("unexpected message during a dump");
	if (h->nlmsg_flags & NLM_F_DUMP_INTR)
		fprintf(stderr, "warning: dump interrupted by a concurrent change\n");
	FOR_ATTRS(a, (const char *)g + GENL_HDRLEN, (const char *)h + h->nlmsg_len) {
		if (ATTR_TYPE(a) == IPVS_CMD_ATTR_SERVICE && d->cmd == IPVS_CMD_NEW_SERVICE)
			parse_service(d, a);
		else if (ATTR_TYPE(a) == IPVS_CMD_ATTR_DEST && d->cmd == IPVS_CMD_NEW_DEST)
			parse_dest(d, a);
	}
	d->count++;
	return !(h->nlmsg_flags & NLM_F_MULTI);   /* no MULTI: a complete one-part reply */
}

static int dump(void)
{
	char mem[MSG_MAX];
	struct buf b = { mem, 0, sizeof(mem) };
	struct dump svcs = { .cmd = IPVS_CMD_NEW_SERVICE }, dests = { .cmd = IPVS_CMD_NEW_DEST };
	struct nlmsghdr *h;
	double t0 = now();

	/* No NLM_F_ACK: NLMSG_DONE ends a dump. */
	msg_end(&b, msg_begin(&b, family, NLM_F_DUMP, IPVS_CMD_GET_SERVICE));
	svcs.seq = seq;
	send_buf(&b);
	receive_until(on_dump, &svcs);

	/* A socket runs one dump at a time (a second one gets EBUSY), so these
	 * requests cannot share a datagram the way the creates do. */
	for (long i = 0; i < svcs.count; i++) {
		b.len = 0;
		h = msg_begin(&b, family, NLM_F_DUMP, IPVS_CMD_GET_DEST);
		put_service(&b, &svcs.keys[i], 0);
		msg_end(&b, h);
		dests.seq = seq;
		send_buf(&b);
		receive_until(on_dump, &dests);
	}
	double seconds = now() - t0;
	sink = svcs.acc + dests.acc;
	printf("dump services=%ld dests=%ld seconds=%.4f syscalls=%ld\n",
	       svcs.count, dests.count, seconds, n_send + n_recv);
	return 0;
}

/* ---------- main ---------- */

static void usage(void)
{
	fprintf(stderr, "usage: ipvs-raw create N D [--window W] [--ack each|last] [--recvmmsg]\n"
			"       ipvs-raw dump [--recvmmsg]\n"
			"       ipvs-raw flush\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int create_mode = !strcmp(mode, "create"), ack_each = 0, i = create_mode ? 4 : 2;
	long n = 0, d = 0, window = 1024;

	if (create_mode && argc >= 4) {
		n = atol(argv[2]);
		d = atol(argv[3]);
		/* The address plan: services 10.1.(i/250).(i%250+1), dests 10.2.0.(j+1). */
		if (n < 1 || n > 250L * 256 || d < 0 || d > 254)
			fail("need 1 <= N <= 64000 and 0 <= D <= 254");
	} else if (create_mode || (strcmp(mode, "dump") && strcmp(mode, "flush"))) {
		usage();
	}
	for (; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : "";
		if (create_mode && !strcmp(argv[i], "--window") && (window = atol(next)) > 0)
			i++;
		else if (create_mode && !strcmp(argv[i], "--ack") && (!strcmp(next, "each") || !strcmp(next, "last")))
			ack_each = !strcmp(argv[++i], "each");
		else if (!strcmp(argv[i], "--recvmmsg") && strcmp(mode, "flush"))
			use_mmsg = 1;
		else
			usage();
	}

	open_socket();
	resolve_family();
	n_send = n_recv = 0;
	if (create_mode)
		return create(n, d, window, ack_each);
	if (!strcmp(mode, "dump"))
		return dump();
	double t0 = now();
	long errors = flush();
	printf("flush seconds=%.4f\n", now() - t0);
	return errors ? 1 : 0;
}
