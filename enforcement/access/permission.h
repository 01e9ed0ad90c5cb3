// Permissions on registered models and how grants combine into one user's permission.
//
// MLflow's four (mlflow/server/auth/permissions.py): READ reads; EDIT also updates; MANAGE also
// deletes and manages permissions; NO_PERMISSIONS nothing. PROMOTE is modelwarden's and
// separate: a PROMOTE grant adds only the right to move a version into Staging or Production
// (or set an alias the policy maps to them), which also needs EDIT.
//
// Which access grant decides for a model name: the most specific one that applies, i.e. a
// grant on the exact name before any prefix grant, a longer prefix before a shorter one; at
// equal specificity the user's own grant before their groups', then the highest permission
// among the groups'. No applicable grant: the configured default. The SQL of
// registry/sql/read_scope_sql.cc applies the same rule inside searches.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/auth_entities.h"
#include "registry/requests.h"

namespace modelwarden {

// The Permission enum and its names are data (registry/auth_entities.h); what each allows is
// decided here.

// MLflow's message for an unknown permission name.
std::string InvalidPermissionMessage(std::string_view name);

bool CanRead(Permission p);
bool CanUpdate(Permission p);
bool CanDelete(Permission p);
bool CanManage(Permission p);

// Whether `grant` applies to the model `name` (never for a grant on experiments or scorers).
bool GrantCovers(const Grant& grant, const std::string& name);

// "grant to user bob on prefix fraud.", "grant to group ml on experiment 12", for messages.
std::string DescribeSource(const Grant& grant);

struct EffectivePermission {
  Permission permission = Permission::kNoPermissions;
  // Where it came from, for messages: "the default", "grant to group ml on prefix fraud.".
  std::string source;
};

// The permission `profile`'s user has on the model `name` (admins are not special here).
EffectivePermission ResolvePermission(const AccessProfile& profile, const std::string& name,
                                      Permission default_permission);

// Whether a PROMOTE grant to the user or one of their groups covers `name`.
bool HasPromoteGrant(const AccessProfile& profile, const std::string& name);

// Whether a WEBHOOKS grant to the user or one of their groups covers a webhook whose
// model_prefix is `model_prefix`, i.e. every name that starts with it.
bool HasWebhooksGrant(const AccessProfile& profile, const std::string& model_prefix);
// The prefixes of the WEBHOOKS grants to the user and their groups.
std::vector<std::string> WebhooksGrantPrefixes(const AccessProfile& profile);

// ResolvePermission's decisions for every name at once, as rules a search query can apply
// (registry/requests.h ReadScope): one rule per exact name and per prefix the profile's access
// grants name, minus the rules that decide what the next rule would anyway. No rules left
// and a readable default: everything is readable. Past `max_names` exact-name rules the scope
// is `live` (the store evaluates the grants itself).
ReadScope BuildReadScope(const AccessProfile& profile, Permission default_permission,
                         size_t max_names = 20000);

}  // namespace modelwarden
