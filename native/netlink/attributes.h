// Netlink attribute (struct nlattr) encoding and decoding.
//
// AttrWriter appends TLVs to a byte buffer; nests are opened and closed by
// offset so the buffer may grow in between. AttrReader walks a span of TLVs
// without copying; every accessor checks the payload length and throws a
// protocol error naming the attribute, so decoders never read past a payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nl {

constexpr uint16_t kAttrTypeMask = 0x3fff;  // strips NLA_F_NESTED / NLA_F_NET_BYTEORDER
constexpr size_t kAttrHeaderLen = 4;

inline size_t Align4(size_t n) { return (n + 3) & ~size_t(3); }

class AttrWriter {
 public:
  explicit AttrWriter(std::vector<uint8_t>& buf) : buf_(buf) {}

  void Put(uint16_t type, const void* data, size_t len);
  void PutU8(uint16_t type, uint8_t v) { Put(type, &v, 1); }
  void PutU16(uint16_t type, uint16_t v) { Put(type, &v, 2); }
  void PutU32(uint16_t type, uint32_t v) { Put(type, &v, 4); }
  void PutU64(uint16_t type, uint64_t v) { Put(type, &v, 8); }
  void PutBe16(uint16_t type, uint16_t v);  // network byte order (ports)
  void PutString(uint16_t type, const std::string& s);  // NUL-terminated

  // Returns the offset of the nest header; pass it to EndNest.
  size_t BeginNest(uint16_t type);
  void EndNest(size_t offset);

 private:
  std::vector<uint8_t>& buf_;
};

// One attribute: type (flags masked off) and a view of its payload.
struct Attr {
  uint16_t type;
  const uint8_t* data;
  size_t len;

  uint8_t U8() const;
  uint16_t U16() const;
  uint32_t U32() const;
  uint64_t U64() const;
  uint16_t Be16() const;
  std::string String() const;  // stops at the first NUL, if any
  void Check(size_t want, const char* what) const;
};

// Iterates the attributes in [data, data+len). Throws on a malformed TLV.
class AttrReader {
 public:
  AttrReader(const uint8_t* data, size_t len) : cur_(data), end_(data + len) {}
  explicit AttrReader(const Attr& nest) : AttrReader(nest.data, nest.len) {}

  // Returns false at the end. Padding after the last attribute is allowed.
  bool Next(Attr& out);

 private:
  const uint8_t* cur_;
  const uint8_t* end_;
};

}  // namespace nl
