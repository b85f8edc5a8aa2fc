// Handle: the JS object behind one Ipvs instance. It owns the persistent IPVS
// connection and a FIFO of operations, started one at a time so that the
// socket is used by a single thread-pool thread and no thread waits on a lock.
#pragma once

#include <napi.h>

#include <deque>
#include <memory>

#include "../ipvs/client.h"

namespace addon {

class Operation;

class Handle : public Napi::ObjectWrap<Handle> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps an opened client in a new JS Handle.
  static Napi::Object Create(Napi::Env env, std::shared_ptr<ipvs::Client> client);

  explicit Handle(const Napi::CallbackInfo& info);
  // Only at environment teardown can operations still be queued here (each
  // keeps its handle alive); free them without touching JS.
  ~Handle() override;

  std::shared_ptr<ipvs::Client> client() const { return client_; }
  // Called by an operation on the main thread once it settled.
  void OnOperationDone();

 private:
  template <typename R, typename Run, typename ToJs>
  Napi::Value Start(const Napi::CallbackInfo& info, const char* name, Run run, ToJs to_js);
  template <typename Run>
  Napi::Value StartAck(const Napi::CallbackInfo& info, const char* name, Run run);
  void Pump();

  Napi::Value Services(const Napi::CallbackInfo& info);
  Napi::Value GetService(const Napi::CallbackInfo& info);
  Napi::Value AddService(const Napi::CallbackInfo& info);
  Napi::Value UpdateService(const Napi::CallbackInfo& info);
  Napi::Value DeleteService(const Napi::CallbackInfo& info);
  Napi::Value Destinations(const Napi::CallbackInfo& info);
  Napi::Value AddDestination(const Napi::CallbackInfo& info);
  Napi::Value UpdateDestination(const Napi::CallbackInfo& info);
  Napi::Value DeleteDestination(const Napi::CallbackInfo& info);
  Napi::Value Snapshot(const Napi::CallbackInfo& info);
  Napi::Value RunBatch(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Timeouts(const Napi::CallbackInfo& info);
  Napi::Value SetTimeouts(const Napi::CallbackInfo& info);
  Napi::Value Zero(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value Daemons(const Napi::CallbackInfo& info);
  Napi::Value StartDaemon(const Napi::CallbackInfo& info);
  Napi::Value StopDaemon(const Napi::CallbackInfo& info);
  Napi::Value OpenProcFile(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  std::shared_ptr<ipvs::Client> client_;
  std::deque<Operation*> queue_;
  bool running_ = false;
};

}  // namespace addon
