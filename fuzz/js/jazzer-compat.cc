// What Jazzer.js's prebuilt fuzzer addon (built on glibc 2.38 / GCC 13) takes
// from a newer C and C++ library than Debian 12's: fuzz/js/jazzer.mjs links
// the addon against this instead when the host's libraries are older.
#include <cstdlib>
#include <ios>

// glibc 2.38's C23 strtol/strtoul also read "0b" prefixes with base 0 or 2;
// the addon (libFuzzer's flag parsing) never relies on that.
extern "C" long __isoc23_strtol(const char* s, char** end, int base) { return std::strtol(s, end, base); }
extern "C" unsigned long __isoc23_strtoul(const char* s, char** end, int base) { return std::strtoul(s, end, base); }

// GCC 13 initializes the standard streams through this call; GCC 12 through
// an ios_base::Init object in each translation unit using <iostream>.
namespace std {
void ios_base_library_init() { static ios_base::Init init; }
}  // namespace std
