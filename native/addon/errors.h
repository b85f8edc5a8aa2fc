// JS errors for native failures. TS (lib/errors.ts) turns these into IpvsError
// with the operation and target; here we only carry the facts.
#pragma once

#include <napi.h>

#include "../netlink/error.h"

namespace addon {

// An Error with errno (negative, Node's convention), syscall, origin
// ('kernel' | 'system' | 'protocol') and detail (extended ack) properties.
Napi::Error MakeError(Napi::Env env, const nl::Error& e);

// The error for an operation that was still queued when its handle closed.
Napi::Error MakeClosedError(Napi::Env env);

}  // namespace addon
