// Why: every datagram the kernel sends is split by ForEachMessage, and every
// reply's attributes (nests included) are walked by AttrReader / GenlAttrs.
// Input: one datagram. (genl_connection.cc's family-id lookup is a private
// member behind a socket; its parsing is GenlAttrs + Attr::U16, done here.)
#include "../native/netlink/error.h"
#include "../native/netlink/message.h"
#include "fuzz.h"

namespace {

constexpr int kMaxDepth = 6;  // IPVS nests 2 deep, genl ctrl replies 3

// An independent statement of a well-formed TLV chain: the reader must accept
// exactly these. Nests are walked only when well-formed: walking anything
// else repeats the top level's throw (same reader, same check), and throwing
// (unwinding under ASan) is what makes an execution slow.
bool WellFormed(const uint8_t* data, size_t len) {
  for (size_t off = 0; len - off >= nl::kAttrHeaderLen;) {
    uint16_t alen;
    std::memcpy(&alen, data + off, 2);
    if (alen < nl::kAttrHeaderLen || alen > len - off) return false;
    off += nl::Align4(alen);
    if (off >= len) break;
  }
  return true;
}

// Every accessor of every attribute, each nest walked recursively. Returns
// whether the reader accepted the whole chain.
bool Walk(const uint8_t* data, size_t len, int depth) {
  nl::AttrReader r(data, len);
  try {
    nl::Attr a;
    while (r.Next(a)) {
      FUZZ_CHECK(a.data >= data + nl::kAttrHeaderLen && a.len <= static_cast<size_t>(data + len - a.data));
      FUZZ_CHECK(a.type <= nl::kAttrTypeMask);
      const std::string s = a.String();
      FUZZ_CHECK(s.size() <= a.len && std::memchr(s.data(), 0, s.size()) == nullptr);
      if (a.len >= 1) fuzz::Use(a.U8());
      if (a.len >= 2) fuzz::Use(a.U16() ^ a.Be16());
      if (a.len >= 4) fuzz::Use(a.U32());
      if (a.len >= 8) fuzz::Use(a.U64());
      if (depth < kMaxDepth && WellFormed(a.data, a.len)) FUZZ_CHECK(Walk(a.data, a.len, depth + 1));
    }
  } catch (const nl::Error& e) {
    FUZZ_CHECK(e.origin() == nl::ErrorOrigin::kProtocol);
    FUZZ_CHECK(!WellFormed(data, len));
    return false;
  }
  FUZZ_CHECK(WellFormed(data, len));
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint8_t* const end = data + size;
  // One throw per input exercises an error path; every further one (a
  // datagram of many bad messages) only costs time: after the first, only
  // well-formed messages are walked.
  bool threw = false;
  try {
    nl::ForEachMessage(data, size, [&](const nl::Message& m) {
      FUZZ_CHECK(m.payload >= data + nl::kMsgHeaderLen && m.len <= static_cast<size_t>(end - m.payload));
      if (m.len < nl::kGenlHeaderLen) {
        if (threw) return;
        threw = true;
        try {
          m.GenlAttrs();
          FUZZ_CHECK(!"GenlAttrs took a message without genlmsghdr");
        } catch (const nl::Error& e) {
          FUZZ_CHECK(e.origin() == nl::ErrorOrigin::kProtocol);
        }
        return;
      }
      fuzz::Use(m.GenlCommand());
      m.GenlAttrs();  // the reader over what Walk gets
      const uint8_t* attrs = m.payload + nl::kGenlHeaderLen;
      const size_t len = m.len - nl::kGenlHeaderLen;
      if (!threw || WellFormed(attrs, len)) threw |= !Walk(attrs, len, 0);
    });
  } catch (const nl::Error& e) {
    FUZZ_CHECK(e.origin() == nl::ErrorOrigin::kProtocol);
  }
  return 0;
}
