#include "genl_connection.h"

#include <errno.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <optional>
#include <ctime>

#include "batch_reader.h"
#include "error.h"
#include "reply_reader.h"

namespace nl {

namespace {

// linux/genetlink.h
constexpr uint8_t kCtrlCmdGetFamily = 3;
constexpr uint16_t kCtrlAttrFamilyId = 1, kCtrlAttrFamilyName = 2;
constexpr int kMaxDumpRestarts = 3;

bool AllRefusedWith(const std::vector<AckStatus>& acks, int errnum) {
  for (const AckStatus& a : acks) {
    if (a.errnum != errnum) return false;
  }
  return !acks.empty();
}

Error NotSent(const Error& cause) {
  return Error(ErrorOrigin::kNotSent, cause.errnum(), cause.syscall(),
               "not sent: an earlier failure stopped the batch (" + std::string(cause.what()) + ")");
}

}  // namespace

GenlConnection::GenlConnection(std::string family_name, int receive_timeout_ms, NetNamespace netns)
    : family_name_(std::move(family_name)),
      receive_timeout_ms_(receive_timeout_ms),
      netns_(std::move(netns)),
      socket_(OpenSocket()),
      // Start at a time-derived number so replies to an earlier process that
      // reused our port id cannot match.
      seq_(static_cast<uint32_t>(time(nullptr))) {
  family_id_ = ResolveFamily();
}

uint16_t GenlConnection::ResolveFamily() {
  GenlRequest req(kGenlIdCtrl, kCtrlCmdGetFamily, kFlagRequest | kFlagAck, 1);
  req.attrs().PutString(kCtrlAttrFamilyName, family_name_);
  uint16_t id = 0;
  SendAndReceive(req, [&](const Message& m) {
    AttrReader attrs = m.GenlAttrs();
    Attr a;
    while (attrs.Next(a)) {
      if (a.type == kCtrlAttrFamilyId) id = a.U16();
    }
  });
  if (id == 0) ThrowProtocolError("family lookup reply without a family id");
  return id;
}

std::unique_ptr<Socket> GenlConnection::OpenSocket() const {
  // A netlink socket belongs to the namespace it was created in.
  return netns_.Run([this] { return std::make_unique<Socket>(receive_timeout_ms_); });
}

Socket& GenlConnection::socket() {
  if (!socket_) socket_ = OpenSocket();
  return *socket_;
}

bool GenlConnection::SendAndReceive(GenlRequest& request, const Handler& on_message) {
  Socket& sock = socket();
  const uint32_t seq = ++seq_;
  sock.Send(request.Finish(seq, sock.port_id()));
  ReplyReader reader(seq, sock.port_id(), on_message);
  try {
    for (bool done = false; !done;) {
      sock.ReceiveSome([&](const uint8_t* data, size_t len) { return done = reader.Feed(data, len); });
    }
    return !reader.interrupted();
  } catch (const Error& e) {
    // A kernel error ends its reply; anything else may leave the rest of it queued.
    if (e.origin() != ErrorOrigin::kKernel) socket_.reset();
    throw;
  } catch (...) {
    socket_.reset();
    throw;
  }
}

void GenlConnection::Transact(GenlRequest& request, const Handler& on_message,
                              const std::function<void()>& on_restart) {
  request.SetFamily(family_id_);
  bool re_resolved = false;
  for (int restarts = 0;; ++restarts) {
    try {
      if (SendAndReceive(request, on_message)) return;
    } catch (const Error& e) {
      if (e.errnum() == ENOBUFS && (e.origin() == ErrorOrigin::kSystem || on_restart)) {
        // Our receive queue was full: the kernel dropped (part of) the reply
        // (kSystem; the socket is already replaced) or would not start a dump
        // (kKernel). A read is run again, never returned partial; a change
        // may have been made: say so.
        if (!on_restart) {
          throw Error(ErrorOrigin::kSystem, ENOBUFS, e.syscall(),
                      e.detail() + "; the request may have been carried out");
        }
        if (restarts >= kMaxDumpRestarts) {
          throw Error(ErrorOrigin::kSystem, ENOBUFS, e.syscall(),
                      e.detail() + " in " + std::to_string(restarts + 1) + " attempts");
        }
        on_restart();
        continue;
      }
      if (e.origin() != ErrorOrigin::kKernel || e.errnum() != ENOENT || re_resolved) throw;
      // ENOENT is also a real answer (scheduler not found): retry only when
      // the family id really changed.
      re_resolved = true;
      const uint16_t id = ResolveFamily();
      if (id == family_id_) throw;
      family_id_ = id;
      request.SetFamily(id);
      if (on_restart) on_restart();
      continue;
    }
    if (!on_restart || restarts >= kMaxDumpRestarts) {
      throw Error(ErrorOrigin::kKernel, EINTR, "netlink", "dump interrupted by concurrent changes");
    }
    on_restart();
  }
}

}  // namespace nl

namespace nl {

namespace {

// Anything thrown while a batch runs, as an nl::Error (bad_alloc and the like
// become ENOMEM), so that every outcome can carry it.
Error AsError(std::exception_ptr p) {
  try {
    std::rethrow_exception(p);
  } catch (const Error& e) {
    return e;
  } catch (const std::exception& e) {
    return Error(ErrorOrigin::kSystem, ENOMEM, "batch", e.what());
  } catch (...) {
    return Error(ErrorOrigin::kSystem, ENOMEM, "batch", "unknown failure");
  }
}

}  // namespace

std::vector<BatchOutcome> GenlConnection::TransactBatch(size_t count, const RequestSource& next,
                                                        const BatchOptions& options) {
  std::vector<BatchOutcome> out(count);
  const size_t window = options.window == 0 ? 1 : options.window;
  size_t settled = 0;  // outcomes before this one are final
  try {
    while (settled < count) settled = SendWindow(next, settled, std::min(settled + window, count), options, out);
  } catch (...) {
    // SendWindow settled what it sent; nothing after that went out.
    const Error cause = AsError(std::current_exception());
    for (size_t i = settled; i < count; ++i) {
      if (!out[i]) out[i] = NotSent(cause);
    }
  }
  return out;
}

size_t GenlConnection::SendWindow(const RequestSource& next, size_t begin, size_t end, const BatchOptions& options,
                                  std::vector<BatchOutcome>& out) {
  Socket& sock = socket();
  // Bounded by the socket too: the whole datagram must fit its send buffer,
  // and every answer (one per failure, in the worst case) its receive buffer.
  const size_t max_bytes = std::min(options.window_bytes, sock.max_datagram());
  end = std::min(end, begin + sock.max_answers());
  const uint32_t first_seq = seq_ + 1;
  batch_buf_.clear();
  size_t last = begin;
  while (last < end && (last == begin || batch_buf_.size() < max_bytes)) {
    GenlRequest r = next();
    r.SetFamily(family_id_);
    r.SetFlags(r.flags() & ~kFlagAck);
    const std::vector<uint8_t>& bytes = r.Finish(seq_ + 1 + (last - begin), sock.port_id());
    batch_buf_.insert(batch_buf_.end(), bytes.begin(), bytes.end());
    ++last;
  }
  seq_ += static_cast<uint32_t>(last - begin);
  // Only the last one asks for an ACK, unless each does.
  for (size_t off = 0, i = begin; i < last; ++i) {
    uint32_t len;
    std::memcpy(&len, &batch_buf_[off], 4);
    if (options.ack_each || i == last - 1) {
      uint16_t flags;
      std::memcpy(&flags, &batch_buf_[off + 6], 2);
      flags |= kFlagAck;
      std::memcpy(&batch_buf_[off + 6], &flags, 2);
    }
    off += Align4(len);
  }
  const size_t count = last - begin;
  std::vector<AckStatus> acks(count);
  std::optional<BatchReader> reader;
  bool sending = false;
  try {
    for (bool resent = false;;) {
      reader.emplace(first_seq, sock.port_id(), acks, 0, count, options.ack_each);
      sending = true;
      sock.Send(batch_buf_);
      sending = false;
      for (bool done = false; !done;) {
        sock.ReceiveSome([&](const uint8_t* data, size_t len) { return done = reader->Feed(data, len); });
      }
      // Every request refused with ENOENT: the family may have a new id (the
      // module was reloaded). Once, with the id resolved again, as Transact does.
      if (resent || !AllRefusedWith(acks, ENOENT)) break;
      resent = true;
      const uint16_t id = ResolveFamily();
      if (id == family_id_) break;
      family_id_ = id;
      for (size_t off = 0; off < batch_buf_.size();) {
        uint32_t len;
        std::memcpy(&len, &batch_buf_[off], 4);
        std::memcpy(&batch_buf_[off + 4], &id, 2);
        off += Align4(len);
      }
      acks.assign(count, AckStatus{});
    }
  } catch (...) {
    if (sending) throw;  // this datagram never went out: the caller reports the rest as not sent
    // Sent, but the answers were lost: the unanswered ones may or may not
    // have been applied. Answers may still be on their way: the next request
    // goes out on a new socket.
    socket_.reset();
    const Error cause = AsError(std::current_exception());
    for (size_t i = 0; i < count; ++i) {
      if (!reader || !reader->answered(i)) out[begin + i] = cause;
      else if (acks[i].errnum) out[begin + i] = Error(ErrorOrigin::kKernel, acks[i].errnum, "netlink", acks[i].detail);
    }
    // Settled up to `last`; the caller reports the rest as not sent.
    for (size_t i = last; i < out.size(); ++i) out[i] = NotSent(cause);
    return out.size();
  }
  for (size_t i = 0; i < count; ++i) {
    if (acks[i].errnum) out[begin + i] = Error(ErrorOrigin::kKernel, acks[i].errnum, "netlink", acks[i].detail);
  }
  return last;
}

}  // namespace nl
