#include "registry/webhooks/change_events.h"

#include <functional>
#include <type_traits>
#include <utility>
#include <variant>

#include "registry/operation.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

using E = WebhookEntity;
using A = WebhookAction;

// Whether MLflow fires the prompt variant of an event: never, when the request's tags hold the
// prompt tag (_is_prompt_request), or when the stored model is a prompt after the change
// (_is_prompt, which reads the model after the store call).
enum class PromptBy { kNever, kRequest, kStoredModel };

// What a change may emit: the candidate events (so that a change nobody subscribed to costs
// one query), and how to build the one it does emit once it is known whether it is a prompt.
struct Plan {
  std::vector<WebhookEvent> candidates;
  std::string model;  // Whose tags say whether it is a prompt.
  // The names a webhook's model_prefix is matched against; the last one is the delivery's
  // model_name (a rename's new name).
  std::vector<std::string> models;
  PromptBy prompt_by = PromptBy::kNever;
  bool request_is_prompt = false;
  // The event and its data; nullopt: nothing to emit (e.g. a tag of a model that is not a
  // prompt).
  std::function<std::optional<OutboxEvent>(bool is_prompt)> build;
};

OutboxEvent Made(WebhookEvent event, std::string data) {
  OutboxEvent made;
  made.event = event;
  made.data = std::move(data);
  return made;
}

// MLflow's RegisteredModel._is_prompt: the tag, "true" in any case.
bool StoredAsPrompt(const RegisteredModel& model) {
  for (const Tag& tag : model.tags) {
    if (tag.key == kIsPromptTagKey) return EqualsIgnoreAsciiCase(tag.value, "true");
  }
  return false;
}

Plan PlanFor(const Change& change, const ChangeState& state, std::optional<int64_t> version) {
  Plan plan;
  plan.model = ModelOf(change);
  plan.models = {plan.model};
  const int64_t number = version.value_or(VersionOf(change).value_or(0));
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateModelChange>) {
          plan.candidates = {{E::kRegisteredModel, A::kCreated}, {E::kPrompt, A::kCreated}};
          plan.prompt_by = PromptBy::kRequest;
          plan.request_is_prompt = HasPromptTagKey(c.model.tags);
          plan.build = [&c](bool prompt) {
            return prompt ? Made({E::kPrompt, A::kCreated},
                                 PromptCreatedData(c.model.name, c.model.tags, c.model.description))
                          : Made({E::kRegisteredModel, A::kCreated},
                                 RegisteredModelCreatedData(c.model.name, c.model.tags,
                                                            c.model.description));
          };
        } else if constexpr (std::is_same_v<T, CreateVersionChange>) {
          plan.candidates = {{E::kModelVersion, A::kCreated}, {E::kPromptVersion, A::kCreated}};
          plan.prompt_by = PromptBy::kRequest;
          plan.request_is_prompt = HasPromptTagKey(c.version.tags);
          plan.build = [&c, number](bool prompt) {
            const NewModelVersion& v = c.version;
            // MLflow sends the request's run_id: none when it came from the source.
            const std::string run_id = c.run_id_from_source ? "" : v.run_id;
            return prompt ? Made({E::kPromptVersion, A::kCreated},
                                 PromptVersionCreatedData(v.name, number, v.tags, v.description))
                          : Made({E::kModelVersion, A::kCreated},
                                 ModelVersionCreatedData(v.name, number, v.source, run_id, v.tags,
                                                         v.description));
          };
        } else if constexpr (std::is_same_v<T, SetVersionTagChange> ||
                             std::is_same_v<T, DeleteVersionTagChange>) {
          constexpr bool kSet = std::is_same_v<T, SetVersionTagChange>;
          const A action = kSet ? A::kSet : A::kDeleted;
          plan.candidates = {{E::kModelVersionTag, action}, {E::kPromptVersionTag, action}};
          plan.prompt_by = PromptBy::kStoredModel;
          plan.build = [&c, action](bool prompt) {
            std::optional<std::string> value;
            std::string key;
            if constexpr (kSet) {
              value = c.tag.value;
              key = c.tag.key;
            } else {
              key = c.key;
            }
            return Made({prompt ? E::kPromptVersionTag : E::kModelVersionTag, action},
                        VersionTagData(c.name, c.version, key, value));
          };
        } else if constexpr (std::is_same_v<T, SetAliasChange> ||
                             std::is_same_v<T, DeleteAliasChange>) {
          constexpr bool kSet = std::is_same_v<T, SetAliasChange>;
          const A action = kSet ? A::kCreated : A::kDeleted;
          plan.candidates = {{E::kModelVersionAlias, action}, {E::kPromptAlias, action}};
          plan.prompt_by = PromptBy::kStoredModel;
          plan.build = [&c, action](bool prompt) {
            std::optional<int64_t> target;
            if constexpr (kSet) target = c.version;
            return Made({prompt ? E::kPromptAlias : E::kModelVersionAlias, action},
                        AliasData(c.name, c.alias, target));
          };
        } else if constexpr (std::is_same_v<T, SetModelTagChange> ||
                             std::is_same_v<T, DeleteModelTagChange>) {
          // MLflow fires these for prompts only.
          constexpr bool kSet = std::is_same_v<T, SetModelTagChange>;
          const A action = kSet ? A::kSet : A::kDeleted;
          plan.candidates = {{E::kPromptTag, action}};
          plan.prompt_by = PromptBy::kStoredModel;
          plan.build = [&c, action](bool prompt) -> std::optional<OutboxEvent> {
            if (!prompt) return std::nullopt;
            if constexpr (kSet) {
              return Made({E::kPromptTag, action}, PromptTagData(c.name, c.tag.key, c.tag.value));
            } else {
              return Made({E::kPromptTag, action}, PromptTagData(c.name, c.key, std::nullopt));
            }
          };
        } else if constexpr (std::is_same_v<T, RenameModelChange>) {
          plan.candidates = {{E::kRegisteredModel, A::kRenamed}};
          plan.model = c.new_name;
          plan.models = {c.name, c.new_name};
          plan.build = [&c](bool) {
            return Made({E::kRegisteredModel, A::kRenamed}, ModelRenamedData(c.name, c.new_name));
          };
        } else if constexpr (std::is_same_v<T, DeleteModelChange>) {
          plan.candidates = {{E::kRegisteredModel, A::kDeleted}};
          plan.build = [&c](bool) {
            return Made({E::kRegisteredModel, A::kDeleted}, ModelDeletedData(c.name));
          };
        } else if constexpr (std::is_same_v<T, DeleteVersionChange>) {
          plan.candidates = {{E::kModelVersion, A::kDeleted}};
          plan.build = [&c](bool) {
            return Made({E::kModelVersion, A::kDeleted}, VersionDeletedData(c.name, c.version));
          };
        } else if constexpr (std::is_same_v<T, TransitionStageChange>) {
          plan.candidates = {{E::kModelVersion, A::kStageTransitioned}};
          const Stage from = state.version ? state.version->current_stage : Stage::kNone;
          plan.build = [&c, from](bool) {
            return Made({E::kModelVersion, A::kStageTransitioned},
                        StageTransitionedData(c.name, c.version, from, c.stage,
                                              c.archive_existing_versions));
          };
        }
        // UpdateModelChange, UpdateVersionChange: MLflow has no event for them.
      },
      change);
  return plan;
}

bool Covers(const Subscriber& subscriber, const std::vector<std::string>& models) {
  for (const std::string& model : models) {
    if (StartsWith(model, subscriber.model_prefix)) return true;
  }
  return false;
}

}  // namespace

Result<int> RecordEvent(WebhookRows& rows, const std::vector<Subscriber>& subscribers,
                        const OutboxEvent& event, int64_t now) {
  int recorded = 0;
  std::string body;
  for (const Subscriber& subscriber : subscribers) {
    if (subscriber.event != event.event || !Covers(subscriber, event.models)) continue;
    if (body.empty()) body = DeliveryBody(event.event, now, event.data);
    NewDelivery delivery;
    delivery.delivery_id = NewUuid4();
    delivery.webhook_id = subscriber.webhook_id;
    delivery.event = event.event;
    delivery.model_name = event.models.back();
    delivery.body = body;
    delivery.now = now;
    RETURN_IF_ERROR(rows.InsertDelivery(delivery));
    ++recorded;
  }
  return recorded;
}

Result<int> RecordChangeEvents(WriteTxn& txn, const Change& change, const ChangeState& state,
                               std::optional<int64_t> version, int64_t now) {
  const Plan plan = PlanFor(change, state, version);
  if (plan.candidates.empty()) return 0;
  ASSIGN_OR_RETURN(std::vector<Subscriber> subscribers,
                   txn.webhooks().Subscribers(plan.candidates));
  std::vector<Subscriber> covered;
  for (Subscriber& subscriber : subscribers) {
    if (Covers(subscriber, plan.models)) covered.push_back(std::move(subscriber));
  }
  if (covered.empty()) return 0;
  bool is_prompt = plan.request_is_prompt;
  if (plan.prompt_by == PromptBy::kStoredModel) {
    ASSIGN_OR_RETURN(std::optional<RegisteredModel> model, txn.models().FindModel(plan.model));
    is_prompt = model && StoredAsPrompt(*model);
  }
  std::optional<OutboxEvent> event = plan.build(is_prompt);
  if (!event) return 0;
  event->models = plan.models;
  return RecordEvent(txn.webhooks(), covered, *event, now);
}

Result<int> RecordPolicyDenial(WriteTxn& txn, const CallContext& ctx, const Change& change,
                               const std::vector<AuditCheck>& checks, const Status& denial,
                               int64_t now) {
  const WebhookEvent denied{E::kPolicy, A::kDenied};
  ASSIGN_OR_RETURN(std::vector<Subscriber> subscribers, txn.webhooks().Subscribers({denied}));
  if (subscribers.empty()) return 0;
  PolicyDenial data;
  data.operation = std::string(OperationName(OperationOf(change)));
  data.name = ModelOf(change);
  data.version = VersionOf(change);
  data.principal = ctx.principal.AuditName();
  data.request_id = ctx.request_id;
  for (const AuditCheck& check : checks) {
    if (check.result == CheckOutcome::kFailed) data.rule_ids.push_back(check.rule_id);
  }
  data.message = denial.message();
  OutboxEvent event;
  event.event = denied;
  event.models = {data.name};
  if (const auto* rename = std::get_if<RenameModelChange>(&change)) {
    event.models = {rename->name, rename->new_name};
  }
  event.data = PolicyDeniedData(data);
  return RecordEvent(txn.webhooks(), subscribers, event, now);
}

}  // namespace modelwarden
