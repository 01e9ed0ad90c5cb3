#include "enforcement/webhooks/webhook_crypto.h"

#include "enforcement/access/crypto.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr size_t kMinKeyLength = 16;
constexpr std::string_view kSealedPrefix = "v1:";
constexpr std::string_view kKeySalt = "modelwarden webhook secrets";
constexpr std::string_view kKeyInfo = "AES-256-GCM v1";

}  // namespace

Result<WebhookSecretBox> WebhookSecretBox::FromKey(std::string_view key) {
  if (key.empty()) return WebhookSecretBox("");
  if (key.size() < kMinKeyLength) {
    return Status::InvalidArgument("MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY must be at least " +
                                   std::to_string(kMinKeyLength) +
                                   " characters (a Fernet key, 44 characters, works).");
  }
  return WebhookSecretBox(HkdfSha256(key, kKeySalt, kKeyInfo, 32));
}

Result<std::string> WebhookSecretBox::Seal(std::string_view secret,
                                           std::string_view webhook_id) const {
  if (!has_key()) {
    return Status::InvalidArgument(
        "Webhook secrets are stored encrypted: set MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY on the "
        "server to create webhooks with a secret.");
  }
  return std::string(kSealedPrefix) + EncodeBase64(AesGcmSeal(key_, secret, webhook_id));
}

Result<std::string> WebhookSecretBox::Open(std::string_view sealed,
                                           std::string_view webhook_id) const {
  const Status unreadable(ErrorCode::kInvalidState,
                          "The webhook's secret cannot be decrypted: was "
                          "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY changed or unset?");
  if (!has_key() || !StartsWith(sealed, kSealedPrefix)) return unreadable;
  const std::optional<std::string> raw = DecodeBase64(sealed.substr(kSealedPrefix.size()));
  if (!raw) return unreadable;
  std::optional<std::string> secret = AesGcmOpen(key_, *raw, webhook_id);
  if (!secret) return unreadable;
  return std::move(*secret);
}

std::string WebhookSignature(std::string_view secret, std::string_view delivery_id,
                             std::string_view timestamp, std::string_view body) {
  std::string signed_content;
  signed_content.reserve(delivery_id.size() + timestamp.size() + body.size() + 2);
  signed_content.append(delivery_id).append(".").append(timestamp).append(".").append(body);
  return "v1," + EncodeBase64(HmacSha256(secret, signed_content));
}

}  // namespace modelwarden
