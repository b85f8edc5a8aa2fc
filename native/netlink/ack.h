// The status an NLMSG_ERROR message carries: 0 for an ACK, else the errno and
// the kernel's extended-ack text. Shared by single replies and batches.
#pragma once

#include <string>

#include "message.h"

namespace nl {

struct AckStatus {
  int errnum = 0;  // positive errno; 0 for an ACK
  std::string detail;  // NLMSGERR_ATTR_MSG, when the kernel sent one
};

// Throws a protocol error when the message has no valid status.
AckStatus ParseAck(const Message& m);

// The int32 status at the start of an NLMSG_ERROR or NLMSG_DONE payload.
int32_t ReadStatus(const Message& m, const char* what);
// -errno -> errno; a protocol error for anything beyond the errno range.
int ErrnoOf(int32_t status, const char* what);

}  // namespace nl
