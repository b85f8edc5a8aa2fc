// Why: ParseAck reads the kernel's NLMSG_ERROR payloads (status, echoed
// request length, extended-ack TLVs) for every request and every batch answer.
// Input: [u16 nlmsg flags][NLMSG_ERROR payload], so header flags such as
// NLM_F_ACK_TLVS and NLM_F_CAPPED are chosen directly.
#include "../native/netlink/ack.h"
#include "../native/netlink/error.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint16_t flags = in.Int<uint16_t>();
  const std::vector<uint8_t> payload = in.Rest();
  const nl::Message m{nl::kMsgError, flags, 1, 2, payload.data(), payload.size()};
  try {
    const nl::AckStatus st = nl::ParseAck(m);
    FUZZ_CHECK(st.errnum >= 0 && st.errnum <= 4095);
    FUZZ_CHECK(st.errnum != 0 || st.detail.empty());
    FUZZ_CHECK(st.detail.size() <= payload.size());
  } catch (const nl::Error& e) {
    FUZZ_CHECK(e.origin() == nl::ErrorOrigin::kProtocol);
  }
  // ReplyReader's NLMSG_DONE path: the same helpers, ErrnoOf only on a
  // non-zero status (as there).
  if (payload.size() >= 4) {
    try {
      const int32_t status = nl::ReadStatus(m, "NLMSG_DONE");
      if (status != 0) {
        const int e = nl::ErrnoOf(status, "NLMSG_DONE");
        FUZZ_CHECK(e > 0 && e <= 4095 && e == -status);
      }
    } catch (const nl::Error& e) {
      FUZZ_CHECK(e.origin() == nl::ErrorOrigin::kProtocol);
    }
  }
  return 0;
}
