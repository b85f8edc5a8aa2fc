// Shared by the fuzz targets: invariant checks and the input format.
//
// Inputs that stand for several datagrams use a FuzzedDataProvider-like split
// read from the front, so that fuzz/seeds.mjs can write real replies as seeds:
// fixed header fields first, then chunks of [u16 length, little endian][bytes]
// (a length beyond what is left takes the rest). Each chunk is copied into its
// own heap block of exactly its size: reading past a datagram is then an ASan
// report, not a silent read of the next one's bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

// Aborts (a libFuzzer crash, with the input saved) when an invariant fails.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "fuzz invariant failed: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace fuzz {

// Keeps decoded values alive so the optimizer cannot drop the reads.
inline volatile uint64_t sink;
inline void Use(uint64_t v) { sink = sink + v; }

class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}

  size_t left() const { return static_cast<size_t>(end_ - p_); }

  // Little-endian integer from the front; zero-filled when the input runs out.
  template <typename T>
  T Int() {
    uint8_t b[sizeof(T)] = {};
    const size_t n = left() < sizeof(T) ? left() : sizeof(T);
    std::memcpy(b, p_, n);
    p_ += n;
    T v = 0;
    for (size_t i = sizeof(T); i-- > 0;) v = static_cast<T>((v << 8) | b[i]);
    return v;
  }

  // Everything that is left, in its own exactly sized heap block.
  std::vector<uint8_t> Rest() {
    std::vector<uint8_t> out(p_, end_);
    p_ = end_;
    return out;
  }

  // The remaining bytes as length-prefixed chunks (see above).
  std::vector<std::vector<uint8_t>> Chunks() {
    std::vector<std::vector<uint8_t>> out;
    while (left() >= 2) {
      size_t n = Int<uint16_t>();
      if (n > left()) n = left();
      out.emplace_back(p_, p_ + n);
      p_ += n;
    }
    return out;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace fuzz
