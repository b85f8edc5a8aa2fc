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
  } catch (const std::exception& e) {  // bad_alloc, length_error: report, never crash
    error_ = nl::Error(nl::ErrorOrigin::kSystem, ENOMEM, "internal", e.what());
  } catch (...) {
    error_ = nl::Error(nl::ErrorOrigin::kSystem, ENOMEM, "internal", "unknown failure");
  }
}

void PromiseWorker::OnWorkComplete(Napi::Env env, napi_status status) {
  if (status != napi_cancelled) {
    // While a worker thread is terminated or the process exits, every napi
    // call fails and node-addon-api throws; nothing can observe the promise
    // then, so the failure is dropped rather than let std::terminate run.
    try {
      Settle(env);
    } catch (const Napi::Error&) {
    }
    try {
      Settled();  // the handle's next operation starts even if this one could not settle
    } catch (const Napi::Error&) {
    }
  }
  Destroy();
}

void PromiseWorker::Settle(Napi::Env env) {
  Napi::HandleScope scope(env);
  if (error_) {
    deferred_.Reject(MakeError(env, *error_).Value());
    return;
  }
  try {
    deferred_.Resolve(Result(env));
  } catch (const Napi::Error& e) {  // conversion failed: settle anyway
    deferred_.Reject(e.Value());
  }
}

bool PromiseWorker::Reject(const Napi::Error& error) noexcept {
  try {
    deferred_.Reject(error.Value());
    return true;
  } catch (const Napi::Error&) {
    return false;
  }
}

}  // namespace addon
