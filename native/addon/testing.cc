#include "testing.h"

#include <string>
#include <vector>

#include "../ipvs/codec.h"
#include "../ipvs/requests.h"
#include "../netlink/reply_reader.h"
#include "convert.h"
#include "errors.h"
#include "records.h"

namespace addon {

namespace {

nl::GenlRequest BuildRequest(const std::string& op, const Napi::CallbackInfo& info) {
  using namespace ipvs;
  if (op == "getServices") return GetServicesRequest();
  if (op == "getService") return GetServiceRequest(ToServiceKey(info[1]));
  if (op == "addService") return AddServiceRequest(ToService(info[1]));
  if (op == "updateService") return UpdateServiceRequest(ToService(info[1]));
  if (op == "deleteService") return DeleteServiceRequest(ToServiceKey(info[1]));
  if (op == "getInfo") return GetInfoRequest();
  if (op == "getTimeouts") return GetTimeoutsRequest();
  if (op == "setTimeouts") return SetTimeoutsRequest(ToTimeouts(info[1]));
  if (op == "flush") return FlushRequest();
  if (op == "getDaemons") return GetDaemonsRequest();
  if (op == "startDaemon") return StartDaemonRequest(ToDaemon(info[1]));
  if (op == "stopDaemon") return StopDaemonRequest(ToUint32(info[1], "state"));
  if (op == "zero") {
    if (info[1].IsUndefined()) return ZeroRequest(nullptr);
    const ServiceKey key = ToServiceKey(info[1]);
    return ZeroRequest(&key);
  }
  const ServiceKey key = ToServiceKey(info[1]);
  if (op == "getDestinations") return GetDestinationsRequest(key);
  const Destination d = ToDestination(info[2], key.family);
  if (op == "addDestination") return AddDestinationRequest(key, d);
  if (op == "updateDestination") return UpdateDestinationRequest(key, d);
  if (op == "deleteDestination") return DeleteDestinationRequest(key, d);
  throw Napi::TypeError::New(info.Env(), "unknown op " + op);
}

Napi::Value Decode(Napi::Env env, const std::string& kind, const std::vector<nl::Message>& msgs, uint16_t family) {
  auto list = [&](auto decode, auto from) {
    Napi::Array arr = Napi::Array::New(env, msgs.size());
    for (size_t i = 0; i < msgs.size(); ++i) arr.Set(static_cast<uint32_t>(i), from(env, decode(msgs[i])));
    return arr;
  };
  // Services and destinations come as records (records.h), as from a handle.
  if (kind == "services") {
    std::vector<ipvs::Service> services;
    for (const nl::Message& m : msgs) services.push_back(ipvs::DecodeService(m));
    std::vector<uint8_t> bytes = EncodeServiceRecords(services);
    return ToBuffer(env, bytes);
  }
  if (kind == "destinations") {
    std::vector<ipvs::Destination> dests;
    for (const nl::Message& m : msgs) dests.push_back(ipvs::DecodeDestination(m, family));
    std::vector<uint8_t> bytes = EncodeDestinationRecords(dests);
    return ToBuffer(env, bytes);
  }
  if (kind == "info") return list(ipvs::DecodeInfo, FromInfo);
  if (kind == "timeouts") return list(ipvs::DecodeTimeouts, FromTimeouts);
  if (kind == "daemons") return list(ipvs::DecodeDaemon, FromDaemon);
  if (kind == "ack") return Napi::Number::New(env, static_cast<double>(msgs.size()));
  throw Napi::TypeError::New(env, "unknown kind " + kind);
}

}  // namespace

Napi::Value EncodeRequest(const Napi::CallbackInfo& info) {
  nl::GenlRequest req = BuildRequest(info[0].As<Napi::String>().Utf8Value(), info);
  const std::vector<uint8_t>& bytes = req.Finish(1, 0);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), bytes.data(), bytes.size());
}

Napi::Value EncodeBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    BatchRecords requests(RecordChunks(info[0].As<Napi::Array>()));
    Napi::Array out = Napi::Array::New(env, requests.count());
    for (size_t i = 0; i < requests.count(); ++i) {
      nl::GenlRequest r = requests.Next();
      const std::vector<uint8_t>& bytes = r.Finish(1, 0);
      out.Set(static_cast<uint32_t>(i), Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size()));
    }
    return out;
  } catch (const nl::Error& e) {
    throw MakeError(env, e);
  }
}

Napi::Value DecodeReply(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  Napi::Array datagrams = info[1].As<Napi::Array>();
  const uint32_t seq = ToUint32(info[2], "seq");
  const uint32_t port_id = ToUint32(info[3], "portId");
  // The service's address family, for destination replies of old kernels.
  const uint16_t family = info[4].IsUndefined() ? 2 : static_cast<uint16_t>(ToUint32(info[4], "family"));
  // Keep every datagram alive while messages point into them.
  std::vector<std::vector<uint8_t>> storage;
  std::vector<nl::Message> msgs;
  nl::ReplyReader reader(seq, port_id, [&](const nl::Message& m) { msgs.push_back(m); });
  try {
    bool done = false;
    for (uint32_t i = 0; i < datagrams.Length() && !done; ++i) {
      Napi::Buffer<uint8_t> b = datagrams.Get(i).As<Napi::Buffer<uint8_t>>();
      storage.emplace_back(b.Data(), b.Data() + b.Length());
      done = reader.Feed(storage.back().data(), storage.back().size());
    }
    if (!done) throw nl::Error(nl::ErrorOrigin::kProtocol, 71, "recvmsg", "reply incomplete");
    return Decode(env, kind, msgs, family);
  } catch (const nl::Error& e) {
    throw MakeError(env, e);
  }
}

}  // namespace addon
