// The IPVS operations over one persistent generic netlink connection.
// Blocking and not thread-safe: the addon calls it from one worker at a time.
#pragma once

#include <functional>
#include <vector>

#include "../netlink/genl_connection.h"
#include "types.h"

namespace ipvs {

class Client {
 public:
  // Opens the socket in `netns` and resolves the IPVS family (ENOENT: no
  // IPVS in the kernel).
  Client(int receive_timeout_ms, nl::NetNamespace netns);

  std::vector<Service> GetServices();
  Service GetService(const ServiceKey& key);  // ESRCH when absent
  std::vector<Destination> GetDestinations(const ServiceKey& key);
  Info GetInfo();
  Timeouts GetTimeouts();
  std::vector<Daemon> GetDaemons();
  // Every service with its destinations: one dump of the services, then one
  // of each service's destinations (the kernel has no dump of all). Not
  // atomic: a service deleted meanwhile shows without destinations.
  // Streams: on_count(number of services) once, then visit(service, its
  // destinations) for each, so the caller keeps only what it encodes.
  void VisitSnapshot(const std::function<void(size_t)>& on_count,
                     const std::function<void(const Service&, const std::vector<Destination>&)>& visit);

  // Runs a request that the kernel answers with an ACK only (add, update,
  // delete, zero, flush, timeouts, daemons: see requests.h).
  void Execute(nl::GenlRequest request);
  // Runs many such requests, many per datagram; every one's outcome.
  std::vector<nl::BatchOutcome> ExecuteBatch(size_t count, const nl::GenlConnection::RequestSource& next,
                                             const nl::BatchOptions& options);

  // Opens one of IPVS's /proc/net files (ip_vs_conn, ip_vs_stats, ...) of
  // the handle's namespace; netlink has no connection listing. Returns the fd.
  int OpenProcFile(const std::string& name) const;

 private:
  template <typename T, typename Decode>
  std::vector<T> Collect(nl::GenlRequest request, Decode decode);
  // A service's destinations into `out` (cleared first; its capacity stays).
  void CollectDestinations(const ServiceKey& key, std::vector<Destination>& out);

  nl::GenlConnection conn_;
};

}  // namespace ipvs
