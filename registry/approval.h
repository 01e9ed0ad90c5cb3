// Approval: a request that a second person allow one move of a model version (a stage
// transition or an alias), as the policy's four-eyes rules demand. Plain data, kept by the
// store next to the model (ModelRows); when a move needs one is enforcement's
// (enforcement/policy/approval_rule.h), deciding on one too (enforcement/lifecycle/).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "registry/entities.h"

namespace modelwarden {

enum class ApprovalStatus {
  kPending,      // Waiting for a decision.
  kApproved,     // Approved, and the move was made.
  kRejected,     // Rejected by an approver.
  kCancelled,    // Withdrawn by its requester.
  kFailed,       // Approved, but the policy refused the move at that moment (see reason).
  kExpired,      // Not decided in time.
  kInvalidated,  // The version changed (or went) after the request (see reason).
};

// "pending", "approved", "rejected", "cancelled", "failed", "expired", "invalidated".
std::string_view ApprovalStatusName(ApprovalStatus status);
std::optional<ApprovalStatus> ParseApprovalStatus(std::string_view name);

// The move an approval is for: a transition into `stage`, or setting `alias`.
struct ApprovalMove {
  std::string name;
  int64_t version = 0;
  std::optional<Stage> stage;  // Set for a stage transition; unset for an alias.
  bool archive_existing_versions = false;
  std::string alias;  // Set for an alias; empty for a stage transition.
};

// "moving 'm' version 3 to Production", "setting alias 'champion' of 'm' to version 3".
std::string DescribeMove(const ApprovalMove& move);

struct Approval {
  int64_t id = 0;
  ApprovalMove move;
  std::string rule_id;  // The policy rule that asked for it; empty when the requester asked.
  ApprovalStatus status = ApprovalStatus::kPending;
  std::string requested_by;
  std::string request_comment;
  int64_t creation_timestamp = 0;    // ms since the epoch.
  int64_t expiration_timestamp = 0;  // ms since the epoch; undecided by then, it expires.
  std::string version_fingerprint;   // VersionFingerprint() of the version when requested.
  std::string decided_by;
  std::string decision_comment;
  int64_t decision_timestamp = 0;  // 0: undecided.
  std::string reason;              // Why it failed, expired or was invalidated.
};

// A new approval as the store inserts it (status pending).
struct NewApproval {
  ApprovalMove move;
  std::string rule_id;
  std::string requested_by;
  std::string request_comment;
  int64_t creation_timestamp = 0;
  int64_t expiration_timestamp = 0;
  std::string version_fingerprint;
};

// How an approval ended, as the store records it.
struct ApprovalDecision {
  ApprovalStatus status = ApprovalStatus::kApproved;
  std::string decided_by;
  std::string comment;
  int64_t timestamp = 0;
  std::string reason;
};

// A listing of approvals, newest first; empty fields do not filter.
struct ApprovalQuery {
  std::string name;
  std::optional<ApprovalStatus> status;  // As stored: kPending includes expired ones.
  int64_t max_results = 100;
  int64_t offset = 0;
};

// What an approval is given on: the version's source, run, description (a model card may live
// there), tags (the card tag among them) and creation time (a version re-created under the
// same number after its model was deleted is another version). A different fingerprint at
// decision time means the version changed after the request.
std::string VersionFingerprint(const ModelVersion& version);

// The status at `now`: a pending approval past its expiration reads as expired.
ApprovalStatus EffectiveStatus(const Approval& approval, int64_t now);

// "2025-07-01T12:00:00Z".
std::string FormatUtc(int64_t millis);

}  // namespace modelwarden
