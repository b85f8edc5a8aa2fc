#include "operation.h"

#include <errno.h>

#include "errors.h"
#include "handle.h"

namespace addon {

Operation::Operation(Handle& handle, const char* name)
    : Napi::AsyncWorker(handle.Env(), name),
      handle_(handle),
      keep_handle_(Napi::Persistent(handle.Value())),
      client_(handle.client()),
      deferred_(Napi::Promise::Deferred::New(handle.Env())) {}

void Operation::RejectUnstarted(const Napi::Error& error) {
  deferred_.Reject(error.Value());
  delete this;  // never queued, so the worker does not free itself
}

void Operation::Execute() {
  try {
    Run(*client_);
  } catch (const nl::Error& e) {
    error_ = e;
    SetError(e.what());
  } catch (const std::exception& e) {  // bad_alloc, length_error: report, never crash
    error_ = nl::Error(nl::ErrorOrigin::kSystem, ENOMEM, "internal", e.what());
    SetError(e.what());
  }
}

void Operation::OnOK() {
  Napi::HandleScope scope(Env());
  try {
    deferred_.Resolve(Result(Env()));
  } catch (const Napi::Error& e) {  // conversion failed: settle anyway, keep the queue moving
    deferred_.Reject(e.Value());
  }
  handle_.OnOperationDone();
}

void Operation::OnError(const Napi::Error& e) {
  Napi::HandleScope scope(Env());
  deferred_.Reject(error_ ? MakeError(Env(), *error_).Value() : e.Value());
  handle_.OnOperationDone();
}

}  // namespace addon
