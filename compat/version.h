// The modelwarden version string, from the CMake project version (compat/CMakeLists.txt
// defines MODELWARDEN_VERSION for modelwarden_compat and everything linking it).
#pragma once

#ifndef MODELWARDEN_VERSION
#define MODELWARDEN_VERSION "0.0.0-dev"
#endif

namespace modelwarden {

inline constexpr char kModelwardenVersion[] = MODELWARDEN_VERSION;

}  // namespace modelwarden
