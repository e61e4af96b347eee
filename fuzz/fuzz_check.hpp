#pragma once

#include <cstdio>
#include <cstdlib>

// A property a fuzz target checks on what the code under test returned. A broken one is a bug
// like a crash: libFuzzer keeps the input (abort is its crash signal) and the message says which.
#define FR_FUZZ_CHECK(condition)                                                            \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (false)
