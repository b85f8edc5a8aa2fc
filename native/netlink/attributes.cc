#include "attributes.h"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

#include "error.h"

namespace nl {

void AttrWriter::Put(uint16_t type, const void* data, size_t len) {
  if (len > 0xffff - kAttrHeaderLen) throw std::length_error("netlink attribute too long");
  const size_t start = buf_.size();
  const uint16_t alen = static_cast<uint16_t>(kAttrHeaderLen + len);
  buf_.resize(start + Align4(alen), 0);
  std::memcpy(&buf_[start], &alen, 2);
  std::memcpy(&buf_[start + 2], &type, 2);
  if (len) std::memcpy(&buf_[start + kAttrHeaderLen], data, len);
}

void AttrWriter::PutBe16(uint16_t type, uint16_t v) { PutU16(type, htons(v)); }

void AttrWriter::PutString(uint16_t type, const std::string& s) {
  Put(type, s.c_str(), s.size() + 1);
}

size_t AttrWriter::BeginNest(uint16_t type) {
  const size_t offset = buf_.size();
  Put(type, nullptr, 0);
  return offset;
}

void AttrWriter::EndNest(size_t offset) {
  if (buf_.size() - offset > 0xffff) throw std::length_error("netlink nest too long");
  const uint16_t len = static_cast<uint16_t>(buf_.size() - offset);
  std::memcpy(&buf_[offset], &len, 2);
}

void Attr::Check(size_t want, const char* what) const {
  if (len < want) {
    ThrowProtocolError("attribute " + std::to_string(type) + " is not a " + what +
                       "; length: " + std::to_string(len));
  }
}

// Reads with memcpy: u64 payloads are only 4-byte aligned.
uint8_t Attr::U8() const { Check(1, "u8"); return data[0]; }
uint16_t Attr::U16() const { Check(2, "u16"); uint16_t v; std::memcpy(&v, data, 2); return v; }
uint32_t Attr::U32() const { Check(4, "u32"); uint32_t v; std::memcpy(&v, data, 4); return v; }
uint64_t Attr::U64() const { Check(8, "u64"); uint64_t v; std::memcpy(&v, data, 8); return v; }
uint16_t Attr::Be16() const { return ntohs(U16()); }

std::string Attr::String() const {
  const void* nul = std::memchr(data, 0, len);
  return std::string(reinterpret_cast<const char*>(data),
                     nul ? static_cast<const uint8_t*>(nul) - data : len);
}

bool AttrReader::Next(Attr& out) {
  const size_t left = static_cast<size_t>(end_ - cur_);
  if (left < kAttrHeaderLen) return false;  // trailing padding
  uint16_t alen, atype;
  std::memcpy(&alen, cur_, 2);
  std::memcpy(&atype, cur_ + 2, 2);
  if (alen < kAttrHeaderLen || alen > left) {
    ThrowProtocolError("attribute " + std::to_string(atype & kAttrTypeMask) + " has length " +
                       std::to_string(alen) + " with " + std::to_string(left) + " bytes left");
  }
  out.type = atype & kAttrTypeMask;
  out.data = cur_ + kAttrHeaderLen;
  out.len = alen - kAttrHeaderLen;
  cur_ += Align4(alen) < left ? Align4(alen) : left;
  return true;
}

}  // namespace nl
