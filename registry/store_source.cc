#include "registry/store_source.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace modelwarden {
namespace {

constexpr size_t kNamesPerRead = 10000;

class StoreSource final : public RegistrySource {
 public:
  StoreSource(ModelSnapshots& store, std::string description, std::vector<std::string> names)
      : store_(store), description_(std::move(description)), names_(std::move(names)) {}

  std::string Describe() const override { return description_; }
  std::optional<int64_t> ModelCount() const override { return static_cast<int64_t>(names_.size()); }

  Result<std::vector<ModelSnapshot>> Next(size_t max) override {
    const size_t end = std::min(names_.size(), next_ + max);
    const std::vector<std::string> names(names_.begin() + next_, names_.begin() + end);
    next_ = end;
    std::vector<ModelSnapshot> models;
    if (names.empty()) return models;
    RETURN_IF_ERROR(store_.Read([&](ModelReader& reader) -> Status {
      ASSIGN_OR_RETURN(models, reader.FindSnapshots(names));
      return Status::Ok();
    }));
    return models;
  }

 private:
  ModelSnapshots& store_;
  const std::string description_;
  const std::vector<std::string> names_;
  size_t next_ = 0;
};

}  // namespace

// The names are listed first, so that the count is known and a model renamed meanwhile is not
// met twice.
Result<std::unique_ptr<RegistrySource>> OpenStoreSource(ModelSnapshots& store,
                                                        std::string description) {
  std::vector<std::string> names;
  RETURN_IF_ERROR(store.Read([&](ModelReader& reader) -> Status {
    names.clear();
    while (true) {
      ASSIGN_OR_RETURN(std::vector<std::string> page,
                       reader.ListModelNames(names.empty() ? "" : names.back(), kNamesPerRead));
      names.insert(names.end(), page.begin(), page.end());
      if (page.size() < kNamesPerRead) return Status::Ok();
    }
  }));
  return std::unique_ptr<RegistrySource>(
      std::make_unique<StoreSource>(store, std::move(description), std::move(names)));
}

}  // namespace modelwarden
