#include "convert.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmath>
#include <string>

namespace addon {

namespace {

[[noreturn]] void Invalid(const Napi::Env& env, const std::string& what) {
  throw Napi::TypeError::New(env, "ipvs native: invalid " + what);
}

Napi::Object AsObject(const Napi::Value& v, const char* what) {
  if (!v.IsObject()) Invalid(v.Env(), what);
  return v.As<Napi::Object>();
}

double Integer(const Napi::Value& v, const char* what, double max) {
  if (!v.IsNumber()) Invalid(v.Env(), what);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= max) || std::floor(d) != d) Invalid(v.Env(), what);
  return d;
}

double Number(const Napi::Object& o, const char* key, double max) { return Integer(o.Get(key), key, max); }

uint32_t U32(const Napi::Object& o, const char* key) { return static_cast<uint32_t>(Number(o, key, 4294967295.0)); }
uint16_t U16(const Napi::Object& o, const char* key) { return static_cast<uint16_t>(Number(o, key, 65535)); }
uint8_t U8(const Napi::Object& o, const char* key) { return static_cast<uint8_t>(Number(o, key, 255)); }

std::string String(const Napi::Object& o, const char* key, size_t max_len) {
  Napi::Value v = o.Get(key);
  if (!v.IsString()) Invalid(o.Env(), key);
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.size() > max_len || s.find('\0') != std::string::npos) Invalid(o.Env(), key);
  return s;
}

uint16_t Family(const Napi::Object& o, const char* key) {
  const uint16_t f = U16(o, key);
  if (f != AF_INET && f != AF_INET6) Invalid(o.Env(), key);
  return f;
}

ipvs::Address ParseAddress(const Napi::Object& o, const char* key, uint16_t family) {
  ipvs::Address a;
  const std::string s = String(o, key, INET6_ADDRSTRLEN);
  if (inet_pton(family, s.c_str(), a.bytes) != 1) Invalid(o.Env(), key);
  return a;
}

Napi::String FormatAddress(Napi::Env env, uint16_t family, const ipvs::Address& a) {
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a.bytes, text, sizeof text);
  return Napi::String::New(env, text);
}

}  // namespace

uint32_t ToUint32(const Napi::Value& v, const char* what) {
  return static_cast<uint32_t>(Integer(v, what, 4294967295.0));
}

ipvs::ServiceKey ToServiceKey(const Napi::Value& v) {
  Napi::Object o = AsObject(v, "service key");
  ipvs::ServiceKey k;
  k.family = Family(o, "family");
  k.fwmark = U32(o, "fwmark");
  if (k.fwmark == 0) {
    k.protocol = U16(o, "protocol");
    k.address = ParseAddress(o, "address", k.family);
    k.port = U16(o, "port");
  }
  return k;
}

ipvs::Service ToService(const Napi::Value& v) {
  Napi::Object o = AsObject(v, "service");
  ipvs::Service s;
  s.key = ToServiceKey(v);
  s.scheduler = String(o, "scheduler", 15);
  s.pe_name = String(o, "pe", 15);
  s.flags = U32(o, "flags");
  s.timeout = U32(o, "timeout");
  s.netmask = U32(o, "netmask");
  return s;
}

ipvs::Destination ToDestination(const Napi::Value& v, uint16_t service_family) {
  Napi::Object o = AsObject(v, "destination");
  ipvs::Destination d;
  d.family = o.Get("family").IsUndefined() ? service_family : Family(o, "family");
  d.address = ParseAddress(o, "address", d.family);
  d.port = U16(o, "port");
  // Optional on delete, where only the identity is sent.
  auto opt32 = [&](const char* key) { return o.Get(key).IsUndefined() ? 0 : U32(o, key); };
  d.fwd_method = opt32("forwarding");
  d.weight = opt32("weight");
  d.upper_threshold = opt32("upperThreshold");
  d.lower_threshold = opt32("lowerThreshold");
  d.tun_type = o.Get("tunnelType").IsUndefined() ? 0 : U8(o, "tunnelType");
  d.tun_port = o.Get("tunnelPort").IsUndefined() ? 0 : U16(o, "tunnelPort");
  d.tun_flags = o.Get("tunnelFlags").IsUndefined() ? 0 : U16(o, "tunnelFlags");
  return d;
}

ipvs::Timeouts ToTimeouts(const Napi::Value& v) {
  Napi::Object o = AsObject(v, "timeouts");
  ipvs::Timeouts t;
  t.tcp = U32(o, "tcp");
  t.tcp_fin = U32(o, "tcpFin");
  t.udp = U32(o, "udp");
  return t;
}

ipvs::Daemon ToDaemon(const Napi::Value& v) {
  Napi::Object o = AsObject(v, "daemon");
  ipvs::Daemon d;
  d.state = U32(o, "state");
  d.interface = String(o, "interface", 15);
  d.sync_id = U32(o, "syncId");
  d.max_len = U16(o, "maxLength");
  d.port = U16(o, "port");
  d.ttl = U8(o, "ttl");
  const std::string group = String(o, "group", INET6_ADDRSTRLEN);
  if (!group.empty()) {
    d.group_family = group.find(':') == std::string::npos ? AF_INET : AF_INET6;
    d.group = ParseAddress(o, "group", d.group_family);
  }
  return d;
}

Napi::Object FromInfo(Napi::Env env, const ipvs::Info& i) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", i.version);
  o.Set("connectionTableSize", i.conn_table_size);
  return o;
}

Napi::Object FromTimeouts(Napi::Env env, const ipvs::Timeouts& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("tcp", t.tcp);
  o.Set("tcpFin", t.tcp_fin);
  o.Set("udp", t.udp);
  return o;
}

Napi::Object FromDaemon(Napi::Env env, const ipvs::Daemon& d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("state", d.state);
  o.Set("interface", d.interface);
  o.Set("syncId", d.sync_id);
  o.Set("maxLength", d.max_len);
  o.Set("group", d.group_family ? FormatAddress(env, d.group_family, d.group) : Napi::String::New(env, ""));
  o.Set("port", d.port);
  o.Set("ttl", d.ttl);
  return o;
}

}  // namespace addon
