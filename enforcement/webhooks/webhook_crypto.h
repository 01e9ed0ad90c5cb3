// The cryptography of webhooks: their secrets at rest, and the signature of a delivery.
//
// Secrets are stored encrypted with a key derived from MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY
// (HKDF-SHA256, then AES-256-GCM with the webhook's id as associated data, all OpenSSL), so
// that the database alone never reveals them and a ciphertext cannot be moved to another
// webhook. MLflow encrypts with Fernet under the same variable; any high-entropy string works
// here, a Fernet key included. Without the key a webhook cannot have a secret: MLflow then
// uses a random key per process, which leaves secrets unreadable after a restart or in another
// process, and an outbox is delivered by whichever process claims it.
//
// Immutable after creation; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "registry/status.h"

namespace modelwarden {

class WebhookSecretBox {
 public:
  // `key` empty: no key, secrets are refused. kInvalidParameterValue for a key shorter than
  // 16 bytes.
  static Result<WebhookSecretBox> FromKey(std::string_view key);

  bool has_key() const { return !key_.empty(); }

  // "v1:" + base64(nonce | ciphertext | tag). kInvalidParameterValue without a key.
  Result<std::string> Seal(std::string_view secret, std::string_view webhook_id) const;
  // kInvalidState when `sealed` was not sealed for `webhook_id` with this key (the key changed,
  // or the row was altered).
  Result<std::string> Open(std::string_view sealed, std::string_view webhook_id) const;

 private:
  explicit WebhookSecretBox(std::string key) : key_(std::move(key)) {}

  std::string key_;  // 32 bytes, or empty.
};

// MLflow's X-MLflow-Signature (mlflow/webhooks/delivery.py _generate_hmac_signature):
// "v1," + base64(HMAC-SHA256(secret, "<delivery_id>.<timestamp>.<body>")).
std::string WebhookSignature(std::string_view secret, std::string_view delivery_id,
                             std::string_view timestamp, std::string_view body);

}  // namespace modelwarden
