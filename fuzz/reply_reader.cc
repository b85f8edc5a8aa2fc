// Why: ReplyReader and BatchReader take every datagram the socket receives
// (foreign seq/port filtering, ACK, DONE, errors, DUMP_INTR, batch windows).
// Input: [u32 seq][u32 port id][u8 batch options][datagrams as in fuzz.h];
// the same datagrams go to both readers, in order, as the socket hands them
// (also after completion: a complete reader must stay complete, ignoring all).
#include "../native/netlink/batch_reader.h"
#include "../native/netlink/error.h"
#include "../native/netlink/reply_reader.h"
#include "fuzz.h"

namespace {

void CheckError(const nl::Error& e) {
  FUZZ_CHECK(e.origin() == nl::ErrorOrigin::kProtocol || e.origin() == nl::ErrorOrigin::kKernel);
  FUZZ_CHECK(e.errnum() > 0 && e.errnum() <= 4095);
}

void Reply(uint32_t seq, uint32_t port, const std::vector<std::vector<uint8_t>>& datagrams) {
  const std::vector<uint8_t>* cur = nullptr;
  bool done = false;
  size_t after_done = 0;
  nl::ReplyReader reader(seq, port, [&](const nl::Message& m) {
    FUZZ_CHECK(m.seq == seq && m.pid == port);
    FUZZ_CHECK(m.type != nl::kMsgError && m.type != nl::kMsgDone && m.type != nl::kMsgNoop);
    const uint8_t* lo = cur->data();
    FUZZ_CHECK(m.payload >= lo + nl::kMsgHeaderLen && m.len <= static_cast<size_t>(lo + cur->size() - m.payload));
    if (done) ++after_done;
    if (m.len) fuzz::Use(m.payload[m.len - 1]);
  });
  for (const std::vector<uint8_t>& d : datagrams) {
    cur = &d;
    try {
      const bool now = reader.Feed(d.data(), d.size());
      FUZZ_CHECK(now || !done);  // once complete, it stays complete
      done = now;
    } catch (const nl::Error& e) {
      CheckError(e);
      return;  // the connection drops a reader that threw
    }
  }
  FUZZ_CHECK(after_done == 0);
  fuzz::Use(reader.interrupted());
}

void Batch(uint32_t first_seq, uint32_t port, uint8_t opts, const std::vector<std::vector<uint8_t>>& datagrams) {
  const size_t count = 1 + (opts & 31), offset = opts >> 6;
  const bool ack_each = opts & 32;
  // Exactly sized: a write past the end is an ASan report; one below offset
  // changes a sentinel.
  std::vector<nl::AckStatus> out(offset + count);
  for (size_t i = 0; i < offset; ++i) out[i].errnum = -1;
  nl::BatchReader reader(first_seq, port, out, offset, count, ack_each);
  bool done = false;
  for (const std::vector<uint8_t>& d : datagrams) {
    try {
      const bool now = reader.Feed(d.data(), d.size());
      FUZZ_CHECK(now || !done);
      done = now;
    } catch (const nl::Error& e) {
      CheckError(e);
      break;  // dropped too, but SendWindow still asks which were answered
    }
  }
  size_t answered = 0;
  for (size_t i = 0; i < count; ++i) answered += reader.answered(i);
  FUZZ_CHECK(!done || answered == count);
  for (size_t i = 0; i < offset; ++i) FUZZ_CHECK(out[i].errnum == -1);
  for (size_t i = offset; i < out.size(); ++i) {
    FUZZ_CHECK(out[i].errnum >= 0 && out[i].errnum <= 4095);
    FUZZ_CHECK(out[i].errnum != 0 || out[i].detail.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint32_t seq = in.Int<uint32_t>();
  const uint32_t port = in.Int<uint32_t>();
  const uint8_t opts = in.Int<uint8_t>();
  const std::vector<std::vector<uint8_t>> datagrams = in.Chunks();
  Reply(seq, port, datagrams);
  Batch(seq, port, opts, datagrams);
  return 0;
}
