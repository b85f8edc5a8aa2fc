// One function per IPVS operation that builds its request message. The family
// id is filled in by the connection; the bytes are otherwise final, which lets
// unit tests compare them with recorded requests.
#pragma once

#include "../netlink/message.h"
#include "types.h"

namespace ipvs {

nl::GenlRequest GetServicesRequest();
nl::GenlRequest GetServiceRequest(const ServiceKey& key);
nl::GenlRequest AddServiceRequest(const Service& svc);
nl::GenlRequest UpdateServiceRequest(const Service& svc);
nl::GenlRequest DeleteServiceRequest(const ServiceKey& key);

nl::GenlRequest GetDestinationsRequest(const ServiceKey& key);
nl::GenlRequest AddDestinationRequest(const ServiceKey& key, const Destination& dest);
nl::GenlRequest UpdateDestinationRequest(const ServiceKey& key, const Destination& dest);
nl::GenlRequest DeleteDestinationRequest(const ServiceKey& key, const Destination& dest);

nl::GenlRequest GetInfoRequest();
nl::GenlRequest GetTimeoutsRequest();
nl::GenlRequest SetTimeoutsRequest(const Timeouts& t);
nl::GenlRequest ZeroRequest(const ServiceKey* key);  // nullptr: everything
nl::GenlRequest FlushRequest();

nl::GenlRequest GetDaemonsRequest();
nl::GenlRequest StartDaemonRequest(const Daemon& d);
nl::GenlRequest StopDaemonRequest(uint32_t state);

}  // namespace ipvs
