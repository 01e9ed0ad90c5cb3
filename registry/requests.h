// Parameter objects for registry writes and searches, and the CallContext every call carries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/entities.h"

namespace modelwarden {

// Who is asking. The HTTP edge authenticates users; jobs inside modelwarden (retention,
// import, the command line) act as a named system principal.
struct Principal {
  enum class Kind {
    kAnonymous,  // Authentication is off: plain MLflow.
    kUser,       // An authenticated user; access control reads their grants.
    kSystem,     // modelwarden itself, e.g. "retention": trusted like an admin, audited by name.
  };
  Kind kind = Kind::kAnonymous;
  std::string name;  // The username or the system principal's name; empty when anonymous.

  static Principal User(std::string username) { return {Kind::kUser, std::move(username)}; }
  static Principal System(std::string job) { return {Kind::kSystem, std::move(job)}; }
  // The name the audit log records: "anonymous" when there is none.
  std::string AuditName() const { return name.empty() ? "anonymous" : name; }
};

// Who is asking and from where; created once at the edge (HTTP, command line) and passed down
// explicitly. Read-only below the edge.
struct CallContext {
  std::string request_id;
  Principal principal;
  std::string client_address;
};

struct NewRegisteredModel {
  std::string name;
  std::string description;
  std::vector<Tag> tags;
};

struct NewModelVersion {
  std::string name;
  std::string source;
  std::string run_id;
  std::string run_link;
  std::string description;
  std::vector<Tag> tags;
};

// Whose reads a search is limited to, as enforcement decided from the caller's grants
// (enforcement/permission.h BuildReadScope): the first rule that matches a name decides,
// exact names first (`hidden_names` and `visible_names` are disjoint), then `prefixes`
// longest first, else `default_readable`. The store applies it inside the query, so pages
// stay full and page tokens stay right.
//
// A caller with more exact-name rules than one statement can bind gets `live` instead: the
// store then evaluates the grants of user `user_id` and their groups itself, in SQL, by the
// same rule (slower per row, unbounded).
struct ReadScope {
  struct Prefix {
    std::string prefix;
    bool readable = false;
  };
  bool default_readable = true;
  std::vector<std::string> hidden_names;
  std::vector<std::string> visible_names;
  std::vector<Prefix> prefixes;
  bool live = false;
  int64_t user_id = 0;  // For `live` only.
};

// A search as the client sent it; the service parses and validates each field.
struct SearchQuery {
  std::string filter;
  std::optional<int64_t> max_results;  // nullopt: the endpoint's default.
  std::vector<std::string> order_by;
  std::string page_token;
};

}  // namespace modelwarden
