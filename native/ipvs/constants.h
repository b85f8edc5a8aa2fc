// IPVS generic netlink constants, from include/uapi/linux/ip_vs.h. Spelled out
// here (not included) so the addon builds the same on hosts whose installed
// headers predate newer attributes (STATS64, tunnels).
#pragma once

#include <cstdint>

namespace ipvs {

constexpr const char* kFamilyName = "IPVS";  // IPVS_GENL_NAME

// enum IPVS_CMD_*
enum Command : uint8_t {
  kCmdNewService = 1, kCmdSetService, kCmdDelService, kCmdGetService,
  kCmdNewDest, kCmdSetDest, kCmdDelDest, kCmdGetDest,
  kCmdNewDaemon, kCmdDelDaemon, kCmdGetDaemon,
  kCmdSetConfig, kCmdGetConfig, kCmdSetInfo, kCmdGetInfo,
  kCmdZero, kCmdFlush,
};

// enum IPVS_CMD_ATTR_*
enum CmdAttr : uint16_t {
  kCmdAttrService = 1, kCmdAttrDest, kCmdAttrDaemon,
  kCmdAttrTimeoutTcp, kCmdAttrTimeoutTcpFin, kCmdAttrTimeoutUdp,
};

// enum IPVS_SVC_ATTR_*
enum SvcAttr : uint16_t {
  kSvcAttrAf = 1, kSvcAttrProtocol, kSvcAttrAddr, kSvcAttrPort, kSvcAttrFwmark,
  kSvcAttrSchedName, kSvcAttrFlags, kSvcAttrTimeout, kSvcAttrNetmask,
  kSvcAttrStats, kSvcAttrPeName, kSvcAttrStats64,
};

// enum IPVS_DEST_ATTR_*
enum DestAttr : uint16_t {
  kDestAttrAddr = 1, kDestAttrPort, kDestAttrFwdMethod, kDestAttrWeight,
  kDestAttrUThresh, kDestAttrLThresh, kDestAttrActiveConns, kDestAttrInactConns,
  kDestAttrPersistConns, kDestAttrStats, kDestAttrAddrFamily, kDestAttrStats64,
  kDestAttrTunType, kDestAttrTunPort, kDestAttrTunFlags,
};

// enum IPVS_DAEMON_ATTR_*
enum DaemonAttr : uint16_t {
  kDaemonAttrState = 1, kDaemonAttrMcastIfn, kDaemonAttrSyncId, kDaemonAttrSyncMaxlen,
  kDaemonAttrMcastGroup, kDaemonAttrMcastGroup6, kDaemonAttrMcastPort, kDaemonAttrMcastTtl,
};

// enum IPVS_STATS_ATTR_*
enum StatsAttr : uint16_t {
  kStatsConns = 1, kStatsInPkts, kStatsOutPkts, kStatsInBytes, kStatsOutBytes,
  kStatsCps, kStatsInPps, kStatsOutPps, kStatsInBps, kStatsOutBps,
};

// enum IPVS_INFO_ATTR_* (top level of the GET_INFO reply)
enum InfoAttr : uint16_t { kInfoAttrVersion = 1, kInfoAttrConnTabSize };

constexpr uint32_t kFlagsMaskAll = 0xffffffff;  // struct ip_vs_flags.mask: replace all

}  // namespace ipvs
