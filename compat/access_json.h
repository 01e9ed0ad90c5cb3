// JSON bodies of the access endpoints. MLflow's auth app answers with Flask's jsonify, not
// protobuf JSON, so its User keeps empty lists and `user_id` is a number
// (mlflow/server/auth/entities.py). Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "enforcement/access/access_admin.h"
#include "enforcement/access/access_control.h"

namespace modelwarden {

// {"user": {"id", "username", "is_admin", "experiment_permissions": [{"experiment_id",
// "user_id", "permission"}], "registered_model_permissions": [{"name", "user_id",
// "permission"}], "scorer_permissions": [{"experiment_id", "scorer_name", "user_id",
// "permission"}]}}
std::string UserResponse(const UserView& user);
// {"users": [{"id", "username", "is_admin"}]}
std::string UsersResponse(const std::vector<User>& users);
// {"registered_model_permission": {"name", "user_id", "permission"}}
std::string ModelPermissionResponse(const Grant& grant);
// {"experiment_permission": {"experiment_id", "user_id", "permission"}}
std::string ExperimentPermissionResponse(const Grant& grant);
// {"scorer_permission": {"experiment_id", "scorer_name", "user_id", "permission"}}
std::string ScorerPermissionResponse(const Grant& grant);
// {"group": {"id", "name", "members": [...]}}
std::string GroupResponse(const Group& group);
// {"groups": [...]}
std::string GroupsResponse(const std::vector<Group>& groups);
// {"grant": {"username" | "group", "name" | "prefix" | "experiment_id" (and "scorer_name") |
// "experiment_prefix", "permission"}}
std::string GrantResponse(const Grant& grant);
// {"grants": [...]}
std::string GrantsResponse(const std::vector<Grant>& grants);
// {"token": {"id", "name", "username", "creation_timestamp", "expiration_timestamp"?}, "secret"}
std::string NewTokenResponse(const NewToken& token);
// {"tokens": [{..., "revocation_timestamp"?}]}
std::string TokensResponse(const std::vector<ApiToken>& tokens);
// {"permission": {"username", "name", "permission", "source", "is_admin", "can_promote"}}
std::string ExplanationResponse(const PermissionExplanation& explanation, const std::string& name);

}  // namespace modelwarden
