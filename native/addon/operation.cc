#include "operation.h"

#include "handle.h"

namespace addon {

Operation::Operation(Handle& handle, const char* name)
    : PromiseWorker(handle.Env(), name),
      handle_(handle),
      keep_handle_(Napi::Persistent(handle.Value())),
      client_(handle.client()) {}

void Operation::RejectUnstarted(const Napi::Error& error) {
  Reject(error);
  delete this;  // never queued, so the worker does not free itself
}

void Operation::Work() { Run(*client_); }

void Operation::Settled() { handle_.OnOperationDone(); }  // keeps the handle's queue moving

}  // namespace addon
