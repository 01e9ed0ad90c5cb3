// Search page tokens in MLflow's format, base64(json.dumps({"offset": N})), kept for parity
// with tooling; opaque to clients. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "registry/status.h"

namespace modelwarden {

std::string EncodePageToken(int64_t offset);
// Empty token: offset 0. kInvalidParameterValue, in MLflow's wording, for anything that is not
// a token EncodePageToken could have written (base64 is read as leniently as Python does).
Result<int64_t> DecodePageToken(std::string_view token);

}  // namespace modelwarden
