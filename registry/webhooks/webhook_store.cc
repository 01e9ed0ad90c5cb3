#include "registry/webhooks/webhook_store.h"

namespace modelwarden {

std::string_view DeliveryStatusName(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::kPending:
      return "pending";
    case DeliveryStatus::kDelivered:
      return "delivered";
    case DeliveryStatus::kFailed:
      return "failed";
    case DeliveryStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view name) {
  for (DeliveryStatus status : {DeliveryStatus::kPending, DeliveryStatus::kDelivered,
                                DeliveryStatus::kFailed, DeliveryStatus::kCancelled}) {
    if (DeliveryStatusName(status) == name) return status;
  }
  return std::nullopt;
}

}  // namespace modelwarden
