// Reply: what a handler answers when it succeeds: MLflow's JSON body and, for a change the
// policy let through with warnings, the warnings (sent in the X-Modelwarden-Warnings header).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "registry/registry.h"

namespace modelwarden {

struct Reply {
  explicit Reply(std::string body_json, std::vector<std::string> policy_warnings = {})
      : body(std::move(body_json)), warnings(std::move(policy_warnings)) {}

  std::string body;
  std::vector<std::string> warnings;
};

// The reply to a write: `body` with the write's warnings.
template <typename T>
Reply ReplyTo(const Written<T>& written, std::string body) {
  return Reply{std::move(body), written.warnings};
}

}  // namespace modelwarden
