#include "requests.h"

#include "codec.h"
#include "constants.h"

namespace ipvs {

namespace {

constexpr uint16_t kDo = nl::kFlagRequest | nl::kFlagAck;
constexpr uint16_t kDump = nl::kFlagRequest | nl::kFlagDump;

nl::GenlRequest Make(uint8_t cmd, uint16_t flags) { return nl::GenlRequest(0, cmd, flags); }

nl::GenlRequest WithKey(uint8_t cmd, uint16_t flags, const ServiceKey& key) {
  nl::GenlRequest r = Make(cmd, flags);
  PutServiceKey(r.attrs(), key);
  return r;
}

nl::GenlRequest WithService(uint8_t cmd, const Service& svc) {
  nl::GenlRequest r = Make(cmd, kDo);
  PutService(r.attrs(), svc);
  return r;
}

nl::GenlRequest WithDestination(uint8_t cmd, const ServiceKey& key, const Destination& d, bool full) {
  nl::GenlRequest r = WithKey(cmd, kDo, key);
  PutDestination(r.attrs(), d, full);
  return r;
}

}  // namespace

nl::GenlRequest GetServicesRequest() { return Make(kCmdGetService, kDump); }
nl::GenlRequest GetServiceRequest(const ServiceKey& key) { return WithKey(kCmdGetService, kDo, key); }
nl::GenlRequest AddServiceRequest(const Service& svc) { return WithService(kCmdNewService, svc); }
nl::GenlRequest UpdateServiceRequest(const Service& svc) { return WithService(kCmdSetService, svc); }
nl::GenlRequest DeleteServiceRequest(const ServiceKey& key) { return WithKey(kCmdDelService, kDo, key); }

nl::GenlRequest GetDestinationsRequest(const ServiceKey& key) { return WithKey(kCmdGetDest, kDump, key); }
nl::GenlRequest AddDestinationRequest(const ServiceKey& key, const Destination& d) {
  return WithDestination(kCmdNewDest, key, d, true);
}
nl::GenlRequest UpdateDestinationRequest(const ServiceKey& key, const Destination& d) {
  return WithDestination(kCmdSetDest, key, d, true);
}
nl::GenlRequest DeleteDestinationRequest(const ServiceKey& key, const Destination& d) {
  return WithDestination(kCmdDelDest, key, d, false);
}

nl::GenlRequest GetInfoRequest() { return Make(kCmdGetInfo, kDo); }
nl::GenlRequest GetTimeoutsRequest() { return Make(kCmdGetConfig, kDo); }
nl::GenlRequest SetTimeoutsRequest(const Timeouts& t) {
  nl::GenlRequest r = Make(kCmdSetConfig, kDo);
  PutTimeouts(r.attrs(), t);
  return r;
}
nl::GenlRequest ZeroRequest(const ServiceKey* key) {
  return key ? WithKey(kCmdZero, kDo, *key) : Make(kCmdZero, kDo);
}
nl::GenlRequest FlushRequest() { return Make(kCmdFlush, kDo); }

nl::GenlRequest GetDaemonsRequest() { return Make(kCmdGetDaemon, kDump); }
nl::GenlRequest StartDaemonRequest(const Daemon& d) {
  nl::GenlRequest r = Make(kCmdNewDaemon, kDo);
  PutDaemon(r.attrs(), d);
  return r;
}
nl::GenlRequest StopDaemonRequest(uint32_t state) {
  // DEL_DAEMON reads only STATE, unlike PutDaemon's full set for NEW_DAEMON.
  nl::GenlRequest r = Make(kCmdDelDaemon, kDo);
  nl::AttrWriter& w = r.attrs();
  const size_t nest = w.BeginNest(kCmdAttrDaemon);
  w.PutU32(kDaemonAttrState, state);
  w.EndNest(nest);
  return r;
}

}  // namespace ipvs
