// IPVS attribute encoding (structs -> nested attributes) and decoding (reply
// messages -> structs). Decoders ignore attributes they do not know, so newer
// kernels do not break them, and default what older kernels omit.
#pragma once

#include "../netlink/attributes.h"
#include "../netlink/message.h"
#include "types.h"

namespace ipvs {

void PutServiceKey(nl::AttrWriter& w, const ServiceKey& key);    // SERVICE nest, identity only
void PutService(nl::AttrWriter& w, const Service& svc);          // SERVICE nest, full
// DEST nest: identity only (address, port, family) unless full.
void PutDestination(nl::AttrWriter& w, const Destination& dest, bool full);
void PutDaemon(nl::AttrWriter& w, const Daemon& daemon);                // DAEMON nest
void PutTimeouts(nl::AttrWriter& w, const Timeouts& t);                 // top level

Service DecodeService(const nl::Message& m);
// service_family stands in for ADDR_FAMILY, which kernels before 3.18 omit.
Destination DecodeDestination(const nl::Message& m, uint16_t service_family);
Info DecodeInfo(const nl::Message& m);
Timeouts DecodeTimeouts(const nl::Message& m);
Daemon DecodeDaemon(const nl::Message& m);

}  // namespace ipvs
