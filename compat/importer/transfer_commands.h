// `modelwarden import` and `modelwarden export` as the command line runs them: they open the
// source and the store, wire the policy and the importer (registry/registry_importer.h), and
// print the plan, the policy's findings, progress (compat/importer/progress_meter.h) and a
// summary. Called by compat/main.cc.
#pragma once

#include "compat/server_options.h"
#include "compat/transfer_options.h"

namespace modelwarden {

// Exit status: 0 when every model of the source was imported or already was (a dry run: would
// be); 1 when some were not (a conflict, a refusal with --enforce, a value this registry does
// not take); 2 when the source, the store, the policy or the rename map cannot be used.
// With --suggest-renames: 0 once the map is written.
int RunImport(const ServerOptions& options, const TransferOptions& transfer);

// 0 once the backup file is complete, 2 otherwise.
int RunExport(const ServerOptions& options, const TransferOptions& transfer);

}  // namespace modelwarden
