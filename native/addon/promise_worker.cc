#include "promise_worker.h"

#include <errno.h>

#include "errors.h"

namespace addon {

PromiseWorker::PromiseWorker(Napi::Env env, const char* name)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

void PromiseWorker::Execute() {
  try {
    Work();
  } catch (const nl::Error& e) {
    error_ = e;
    SetError(e.what());
  } catch (const std::exception& e) {  // bad_alloc, length_error: report, never crash
    error_ = nl::Error(nl::ErrorOrigin::kSystem, ENOMEM, "internal", e.what());
    SetError(e.what());
  }
}

void PromiseWorker::OnOK() {
  Napi::HandleScope scope(Env());
  try {
    deferred_.Resolve(Result(Env()));
  } catch (const Napi::Error& e) {  // conversion failed: settle anyway
    deferred_.Reject(e.Value());
  }
  Settled();
}

void PromiseWorker::OnError(const Napi::Error& e) {
  Napi::HandleScope scope(Env());
  deferred_.Reject(error_ ? MakeError(Env(), *error_).Value() : e.Value());
  Settled();
}

}  // namespace addon
