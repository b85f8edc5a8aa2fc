#include "handle.h"

#include "../ipvs/requests.h"
#include "addon_data.h"
#include "convert.h"
#include "errors.h"
#include "operation.h"
#include "records.h"

namespace addon {

namespace {

struct Ack {};  // the result of operations the kernel answers with an ACK only

Napi::Value Undefined(Napi::Env env, const Ack&) { return env.Undefined(); }

Napi::Value RecordsBuffer(Napi::Env env, std::vector<uint8_t>& bytes) { return ToBuffer(env, bytes); }

// Only the failures, as [index, error] pairs: a large batch mostly succeeds.
Napi::Value BatchFailures(Napi::Env env, std::vector<nl::BatchOutcome>& outcomes) {
  Napi::Array failures = Napi::Array::New(env);
  uint32_t n = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!outcomes[i]) continue;
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::Number::New(env, static_cast<double>(i)));
    pair.Set(1u, MakeError(env, *outcomes[i]).Value());
    failures.Set(n++, pair);
  }
  return failures;
}

}  // namespace

Napi::Function Handle::Define(Napi::Env env) {
  return DefineClass(env, "IpvsHandle",
                     {
                         InstanceMethod<&Handle::Services>("services"),
                         InstanceMethod<&Handle::GetService>("service"),
                         InstanceMethod<&Handle::AddService>("addService"),
                         InstanceMethod<&Handle::UpdateService>("updateService"),
                         InstanceMethod<&Handle::DeleteService>("deleteService"),
                         InstanceMethod<&Handle::Destinations>("destinations"),
                         InstanceMethod<&Handle::AddDestination>("addDestination"),
                         InstanceMethod<&Handle::UpdateDestination>("updateDestination"),
                         InstanceMethod<&Handle::DeleteDestination>("deleteDestination"),
                         InstanceMethod<&Handle::Snapshot>("snapshot"),
                         InstanceMethod<&Handle::RunBatch>("runBatch"),
                         InstanceMethod<&Handle::Info>("info"),
                         InstanceMethod<&Handle::Timeouts>("timeouts"),
                         InstanceMethod<&Handle::SetTimeouts>("setTimeouts"),
                         InstanceMethod<&Handle::Zero>("zero"),
                         InstanceMethod<&Handle::Flush>("flush"),
                         InstanceMethod<&Handle::Daemons>("daemons"),
                         InstanceMethod<&Handle::StartDaemon>("startDaemon"),
                         InstanceMethod<&Handle::StopDaemon>("stopDaemon"),
                         InstanceMethod<&Handle::OpenProcFile>("openProcFile"),
                         InstanceMethod<&Handle::Close>("close"),
                     });
}

Napi::Object Handle::Create(Napi::Env env, std::shared_ptr<ipvs::Client> client) {
  AddonData& data = GetAddonData(env);
  data.client_for_new_handle = std::move(client);
  struct Clear {
    AddonData& data;
    ~Clear() { data.client_for_new_handle.reset(); }  // even if New throws
  } clear{data};
  return data.handle_constructor.New({});
}

Handle::Handle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Handle>(info) {
  client_ = std::move(GetAddonData(info.Env()).client_for_new_handle);
  if (!client_) throw Napi::TypeError::New(info.Env(), "IpvsHandle is created by open()");
}

Handle::~Handle() {
  for (Operation* op : queue_) delete op;
}

template <typename R, typename Run, typename ToJs>
Napi::Value Handle::Start(const Napi::CallbackInfo& info, const char* name, Run run, ToJs to_js) {
  auto* op = new LambdaOperation<R>(*this, name, std::move(run), std::move(to_js));
  Napi::Promise promise = op->Promise();
  if (!client_) {
    op->RejectUnstarted(MakeClosedError(info.Env()));
  } else {
    queue_.push_back(op);
    Pump();
  }
  return promise;
}

template <typename Run>
Napi::Value Handle::StartAck(const Napi::CallbackInfo& info, const char* name, Run run) {
  return Start<Ack>(
      info, name, [run](ipvs::Client& c) { run(c); return Ack{}; }, Undefined);
}

void Handle::Pump() {
  while (!running_ && !queue_.empty()) {
    Operation* next = queue_.front();
    queue_.pop_front();
    try {
      next->Queue();
      running_ = true;
    } catch (const Napi::Error& e) {
      next->RejectUnstarted(e);
    }
  }
}

void Handle::OnOperationDone() {
  running_ = false;
  Pump();
}

Napi::Value Handle::Services(const Napi::CallbackInfo& info) {
  return Start<std::vector<uint8_t>>(
      info, "ipvs.services",
      [](ipvs::Client& c) { return EncodeServiceRecords(c.GetServices()); }, RecordsBuffer);
}

Napi::Value Handle::GetService(const Napi::CallbackInfo& info) {
  const ipvs::ServiceKey key = ToServiceKey(info[0]);
  return Start<std::vector<uint8_t>>(
      info, "ipvs.service",
      [key](ipvs::Client& c) { return EncodeServiceRecords({c.GetService(key)}); },
      RecordsBuffer);
}

Napi::Value Handle::AddService(const Napi::CallbackInfo& info) {
  const ipvs::Service svc = ToService(info[0]);
  return StartAck(info, "ipvs.addService", [svc](ipvs::Client& c) { c.Execute(ipvs::AddServiceRequest(svc)); });
}

Napi::Value Handle::UpdateService(const Napi::CallbackInfo& info) {
  const ipvs::Service svc = ToService(info[0]);
  return StartAck(info, "ipvs.updateService", [svc](ipvs::Client& c) { c.Execute(ipvs::UpdateServiceRequest(svc)); });
}

Napi::Value Handle::DeleteService(const Napi::CallbackInfo& info) {
  const ipvs::ServiceKey key = ToServiceKey(info[0]);
  return StartAck(info, "ipvs.deleteService", [key](ipvs::Client& c) { c.Execute(ipvs::DeleteServiceRequest(key)); });
}

Napi::Value Handle::Destinations(const Napi::CallbackInfo& info) {
  const ipvs::ServiceKey key = ToServiceKey(info[0]);
  return Start<std::vector<uint8_t>>(
      info, "ipvs.destinations",
      [key](ipvs::Client& c) { return EncodeDestinationRecords(c.GetDestinations(key)); }, RecordsBuffer);
}

Napi::Value Handle::AddDestination(const Napi::CallbackInfo& info) {
  const ipvs::ServiceKey key = ToServiceKey(info[0]);
  const ipvs::Destination d = ToDestination(info[1], key.family);
  return StartAck(info, "ipvs.addDestination",
                  [key, d](ipvs::Client& c) { c.Execute(ipvs::AddDestinationRequest(key, d)); });
}

Napi::Value Handle::UpdateDestination(const Napi::CallbackInfo& info) {
  const ipvs::ServiceKey key = ToServiceKey(info[0]);
  const ipvs::Destination d = ToDestination(info[1], key.family);
  return StartAck(info, "ipvs.updateDestination",
                  [key, d](ipvs::Client& c) { c.Execute(ipvs::UpdateDestinationRequest(key, d)); });
}

Napi::Value Handle::DeleteDestination(const Napi::CallbackInfo& info) {
  const ipvs::ServiceKey key = ToServiceKey(info[0]);
  const ipvs::Destination d = ToDestination(info[1], key.family);
  return StartAck(info, "ipvs.deleteDestination",
                  [key, d](ipvs::Client& c) { c.Execute(ipvs::DeleteDestinationRequest(key, d)); });
}

Napi::Value Handle::Snapshot(const Napi::CallbackInfo& info) {
  return Start<std::vector<uint8_t>>(
      info, "ipvs.snapshot",
      [](ipvs::Client& c) {
        // Records are written as each service's destinations arrive; room
        // for four destinations a service is made up front.
        std::vector<uint8_t> out;
        c.VisitSnapshot([&](size_t n) { out.reserve(n * (kServiceRecordLen + 4 * kDestinationRecordLen)); },
                        [&](const ipvs::Service& s, const std::vector<ipvs::Destination>& d) {
                          AppendServiceRecords(out, s, d);
                        });
        return out;
      },
      RecordsBuffer);
}

Napi::Value Handle::RunBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "ipvs native: runBatch(records, options) takes an array of Buffers");
  nl::BatchOptions options;
  if (info[1].IsObject()) {
    Napi::Object o = info[1].As<Napi::Object>();
    if (!o.Get("window").IsUndefined()) options.window = ToUint32(o.Get("window"), "window");
    if (!o.Get("windowBytes").IsUndefined()) options.window_bytes = ToUint32(o.Get("windowBytes"), "windowBytes");
    options.ack_each = o.Get("ackEach").ToBoolean();
  }
  // The worker reads the records in place; the reference keeps them alive
  // (and is dropped on the main thread, with the operation).
  const Napi::Array array = info[0].As<Napi::Array>();
  std::vector<RecordChunk> chunks = RecordChunks(array);
  auto keep = std::make_shared<Napi::ObjectReference>(Napi::Persistent(array.As<Napi::Object>()));
  return Start<std::vector<nl::BatchOutcome>>(
      info, "ipvs.runBatch",
      [keep, chunks, options](ipvs::Client& c) {
        BatchRecords records(chunks);
        return c.ExecuteBatch(records.count(), [&records] { return records.Next(); }, options);
      },
      BatchFailures);
}

Napi::Value Handle::Info(const Napi::CallbackInfo& info) {
  return Start<ipvs::Info>(
      info, "ipvs.info", [](ipvs::Client& c) { return c.GetInfo(); },
      [](Napi::Env env, const ipvs::Info& i) { return FromInfo(env, i); });
}

Napi::Value Handle::Timeouts(const Napi::CallbackInfo& info) {
  return Start<ipvs::Timeouts>(
      info, "ipvs.timeouts", [](ipvs::Client& c) { return c.GetTimeouts(); },
      [](Napi::Env env, const ipvs::Timeouts& t) { return FromTimeouts(env, t); });
}

Napi::Value Handle::SetTimeouts(const Napi::CallbackInfo& info) {
  const ipvs::Timeouts t = ToTimeouts(info[0]);
  return StartAck(info, "ipvs.setTimeouts", [t](ipvs::Client& c) { c.Execute(ipvs::SetTimeoutsRequest(t)); });
}

Napi::Value Handle::Zero(const Napi::CallbackInfo& info) {
  const bool all = info.Length() == 0 || info[0].IsUndefined() || info[0].IsNull();
  const ipvs::ServiceKey key = all ? ipvs::ServiceKey{} : ToServiceKey(info[0]);
  return StartAck(info, "ipvs.zero",
                  [all, key](ipvs::Client& c) { c.Execute(ipvs::ZeroRequest(all ? nullptr : &key)); });
}

Napi::Value Handle::Flush(const Napi::CallbackInfo& info) {
  return StartAck(info, "ipvs.flush", [](ipvs::Client& c) { c.Execute(ipvs::FlushRequest()); });
}

Napi::Value Handle::Daemons(const Napi::CallbackInfo& info) {
  return Start<std::vector<ipvs::Daemon>>(
      info, "ipvs.daemons", [](ipvs::Client& c) { return c.GetDaemons(); },
      [](Napi::Env env, const std::vector<ipvs::Daemon>& v) { return FromList(env, v, FromDaemon); });
}

Napi::Value Handle::StartDaemon(const Napi::CallbackInfo& info) {
  const ipvs::Daemon d = ToDaemon(info[0]);
  return StartAck(info, "ipvs.startDaemon", [d](ipvs::Client& c) { c.Execute(ipvs::StartDaemonRequest(d)); });
}

Napi::Value Handle::StopDaemon(const Napi::CallbackInfo& info) {
  const uint32_t state = ToUint32(info[0], "state");
  return StartAck(info, "ipvs.stopDaemon", [state](ipvs::Client& c) { c.Execute(ipvs::StopDaemonRequest(state)); });
}

Napi::Value Handle::OpenProcFile(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "openProcFile(name): name must be a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  // The JS side reads it (readFull, on the thread pool) and closes it.
  return Start<int>(
      info, "ipvs.openProcFile", [name](ipvs::Client& c) { return c.OpenProcFile(name); },
      [](Napi::Env env, int fd) { return Napi::Number::New(env, fd); });
}

Napi::Value Handle::Close(const Napi::CallbackInfo& info) {
  // The running operation keeps its own reference to the client; the socket
  // closes when it finishes. Queued ones never start.
  client_.reset();
  std::deque<Operation*> queued;
  queued.swap(queue_);
  for (Operation* op : queued) op->RejectUnstarted(MakeClosedError(info.Env()));
  return info.Env().Undefined();
}

}  // namespace addon
