// The models of a modelwarden store as a RegistrySource: what `modelwarden export` writes to a
// backup file, every model with every version it holds (deleted ones too). Each batch is read
// in one read transaction, so every model is read whole and consistent; models changed while
// the export runs appear as they were when their batch was read.
//
// Not thread-safe (a RegistrySource); the store is shared.
#pragma once

#include <memory>
#include <string>

#include "registry/model_store.h"
#include "registry/registry_source.h"

namespace modelwarden {

// `store` is borrowed and must outlive the source; `description` is what Describe() says.
// kTemporarilyUnavailable when the store cannot be read.
Result<std::unique_ptr<RegistrySource>> OpenStoreSource(ModelSnapshots& store,
                                                        std::string description);

}  // namespace modelwarden
