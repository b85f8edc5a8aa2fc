// Test hooks: the exact request encoders and reply decoders of the addon,
// without a socket, so unit tests check bytes against recorded kernel traffic.
#pragma once

#include <napi.h>

namespace addon {

// encodeRequest(op, ...args) -> Buffer (family id 0, seq 1, port id 0)
Napi::Value EncodeRequest(const Napi::CallbackInfo& info);
// encodeBatch(records: Buffer[]) -> Buffer[]: the requests runBatch would send
Napi::Value EncodeBatch(const Napi::CallbackInfo& info);
// decodeReply(kind, datagrams: Buffer[], seq, portId, serviceFamily?) -> decoded value
Napi::Value DecodeReply(const Napi::CallbackInfo& info);

}  // namespace addon
