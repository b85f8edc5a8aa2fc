#include "client.h"

#include <errno.h>

#include "../netlink/error.h"
#include "codec.h"
#include "constants.h"
#include "requests.h"

namespace ipvs {

Client::Client(int receive_timeout_ms, nl::NetNamespace netns)
    : conn_(kFamilyName, receive_timeout_ms, std::move(netns)) {}

template <typename T, typename Decode>
std::vector<T> Client::Collect(nl::GenlRequest request, Decode decode) {
  std::vector<T> out;
  conn_.Transact(
      request, [&](const nl::Message& m) { out.push_back(decode(m)); }, [&] { out.clear(); });
  return out;
}

std::vector<Service> Client::GetServices() { return Collect<Service>(GetServicesRequest(), DecodeService); }

Service Client::GetService(const ServiceKey& key) {
  std::vector<Service> found = Collect<Service>(GetServiceRequest(key), DecodeService);
  if (found.size() != 1) nl::ThrowProtocolError("GET_SERVICE answered with " + std::to_string(found.size()) + " services");
  return found[0];
}

std::vector<Destination> Client::GetDestinations(const ServiceKey& key) {
  std::vector<Destination> out;
  CollectDestinations(key, out);
  return out;
}

void Client::CollectDestinations(const ServiceKey& key, std::vector<Destination>& out) {
  out.clear();
  nl::GenlRequest request = GetDestinationsRequest(key);
  conn_.Transact(
      request, [&](const nl::Message& m) { out.push_back(DecodeDestination(m, key.family)); }, [&] { out.clear(); });
}

Info Client::GetInfo() {
  std::vector<Info> v = Collect<Info>(GetInfoRequest(), DecodeInfo);
  if (v.size() != 1) nl::ThrowProtocolError("GET_INFO answered without info");
  return v[0];
}

Timeouts Client::GetTimeouts() {
  std::vector<Timeouts> v = Collect<Timeouts>(GetTimeoutsRequest(), DecodeTimeouts);
  if (v.size() != 1) nl::ThrowProtocolError("GET_CONFIG answered without timeouts");
  return v[0];
}

std::vector<Daemon> Client::GetDaemons() { return Collect<Daemon>(GetDaemonsRequest(), DecodeDaemon); }

void Client::VisitSnapshot(const std::function<void(size_t)>& on_count,
                           const std::function<void(const Service&, const std::vector<Destination>&)>& visit) {
  const std::vector<Service> services = GetServices();
  on_count(services.size());
  std::vector<Destination> dests;  // reused: its capacity stays
  for (const Service& s : services) {
    CollectDestinations(s.key, dests);
    visit(s, dests);
  }
}

std::vector<nl::BatchOutcome> Client::ExecuteBatch(size_t count, const nl::GenlConnection::RequestSource& next,
                                                   const nl::BatchOptions& options) {
  return conn_.TransactBatch(count, next, options);
}

void Client::Execute(nl::GenlRequest request) {
  conn_.Transact(request, [](const nl::Message&) {});
}

int Client::OpenProcFile(const std::string& name) const {
  // Only IPVS's own files: the name comes from JS.
  static const char* const kFiles[] = {"ip_vs", "ip_vs_conn", "ip_vs_conn_sync", "ip_vs_stats", "ip_vs_stats_percpu", "ip_vs_app"};
  for (const char* f : kFiles) {
    if (name == f) return conn_.netns().OpenProcNetFile(name);
  }
  throw nl::Error(nl::ErrorOrigin::kSystem, EINVAL, "open", "not an IPVS /proc/net file: " + name);
}

}  // namespace ipvs
