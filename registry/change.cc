#include "registry/change.h"

#include <type_traits>

namespace modelwarden {
namespace {

template <typename T>
constexpr Operation OperationOfType() {
  if constexpr (std::is_same_v<T, CreateModelChange>) return Operation::kCreateRegisteredModel;
  if constexpr (std::is_same_v<T, UpdateModelChange>) return Operation::kUpdateRegisteredModel;
  if constexpr (std::is_same_v<T, RenameModelChange>) return Operation::kRenameRegisteredModel;
  if constexpr (std::is_same_v<T, DeleteModelChange>) return Operation::kDeleteRegisteredModel;
  if constexpr (std::is_same_v<T, SetModelTagChange>) return Operation::kSetRegisteredModelTag;
  if constexpr (std::is_same_v<T, DeleteModelTagChange>) {
    return Operation::kDeleteRegisteredModelTag;
  }
  if constexpr (std::is_same_v<T, SetAliasChange>) return Operation::kSetRegisteredModelAlias;
  if constexpr (std::is_same_v<T, DeleteAliasChange>) {
    return Operation::kDeleteRegisteredModelAlias;
  }
  if constexpr (std::is_same_v<T, CreateVersionChange>) return Operation::kCreateModelVersion;
  if constexpr (std::is_same_v<T, UpdateVersionChange>) return Operation::kUpdateModelVersion;
  if constexpr (std::is_same_v<T, DeleteVersionChange>) return Operation::kDeleteModelVersion;
  if constexpr (std::is_same_v<T, TransitionStageChange>) {
    return Operation::kTransitionModelVersionStage;
  }
  if constexpr (std::is_same_v<T, SetVersionTagChange>) return Operation::kSetModelVersionTag;
  if constexpr (std::is_same_v<T, DeleteVersionTagChange>) {
    return Operation::kDeleteModelVersionTag;
  }
}

// Changes that name an existing version by its number.
template <typename T, typename = void>
struct NamesVersion : std::false_type {};
template <typename T>
struct NamesVersion<T, std::enable_if_t<std::is_same_v<decltype(T::version), int64_t>>>
    : std::true_type {};

}  // namespace

Operation OperationOf(const Change& change) {
  return std::visit([](const auto& c) { return OperationOfType<std::decay_t<decltype(c)>>(); },
                    change);
}

const std::string& ModelOf(const Change& change) {
  return std::visit(
      [](const auto& c) -> const std::string& {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateModelChange>) {
          return c.model.name;
        } else if constexpr (std::is_same_v<T, CreateVersionChange>) {
          return c.version.name;
        } else {
          return c.name;
        }
      },
      change);
}

std::optional<int64_t> VersionOf(const Change& change) {
  return std::visit(
      [](const auto& c) -> std::optional<int64_t> {
        if constexpr (NamesVersion<std::decay_t<decltype(c)>>::value) {
          return c.version;
        } else {
          return std::nullopt;
        }
      },
      change);
}

std::vector<std::string> LockedModels(const Change& change) {
  if (const auto* rename = std::get_if<RenameModelChange>(&change)) {
    return {rename->name, rename->new_name};
  }
  if (const auto* create = std::get_if<CreateVersionChange>(&change)) {
    if (!create->source_model.empty()) return {create->version.name, create->source_model};
  }
  return {ModelOf(change)};
}

}  // namespace modelwarden
