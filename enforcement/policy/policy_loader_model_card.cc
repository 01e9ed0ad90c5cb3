// $.model_card: the sections a model card must have before a stage.
#include <string>
#include <utility>

#include "enforcement/policy/policy_loader_sections.h"

namespace modelwarden {
namespace policy_loader {
namespace {

// $.model_card.high_risk: more sections for models whose risk tag has one of some values.
void ReadHighRisk(PolicyReader& in, const rj::Value& h, const std::string& path,
                  ModelCardPolicy& card) {
  if (!in.CheckObject(h, path, {"description", "tag", "values", "extra_sections"})) return;
  in.ReadDescription(h, path);
  ModelCardPolicy::RiskRule rule;
  bool ok = true;
  if (const rj::Value* t = Member(h, "tag")) {
    auto tag = in.ReadString(*t, Child(path, "tag"), /*non_empty=*/true);
    ok = ok && tag.has_value();
    if (tag) rule.tag_key = std::move(*tag);
  } else {
    in.Problem(Child(path, "tag"), "the registered-model tag that holds the risk level", "nothing");
    ok = false;
  }
  for (auto [key, field] :
       {std::pair{"values", &rule.values}, std::pair{"extra_sections", &rule.extra_sections}}) {
    if (const rj::Value* list = Member(h, key)) {
      auto strings = in.ReadStrings(*list, Child(path, key), /*non_empty_list=*/true);
      ok = ok && strings.has_value();
      if (strings) *field = std::move(*strings);
    } else {
      in.Problem(Child(path, key), "a non-empty array of strings", "nothing");
      ok = false;
    }
  }
  if (ok) card.high_risk = std::move(rule);
}

}  // namespace

void ParseModelCard(PolicyReader& in, const rj::Value& v, const std::string& path,
                    ModelCardPolicy& card) {
  if (!in.CheckObject(v, path,
                      {"description", "mode", "staging_sections", "production_sections",
                       "accept_description", "high_risk"})) {
    return;
  }
  in.ReadDescription(v, path);
  card.mode = RuleMode::kEnforce;  // A model_card section that is present is meant to apply.
  if (const rj::Value* m = Member(v, "mode")) {
    if (auto mode = in.ReadMode(*m, Child(path, "mode"))) card.mode = *mode;
  }
  for (auto [key, field] : {std::pair{"staging_sections", &card.staging_sections},
                            std::pair{"production_sections", &card.production_sections}}) {
    if (const rj::Value* s = Member(v, key)) {
      if (auto sections = in.ReadStrings(*s, Child(path, key), /*non_empty_list=*/false)) {
        *field = std::move(*sections);
      }
    }
  }
  if (const rj::Value* b = Member(v, "accept_description")) {
    if (auto accept = in.ReadBool(*b, Child(path, "accept_description"))) {
      card.accept_description = *accept;
    }
  }
  if (const rj::Value* h = Member(v, "high_risk")) {
    ReadHighRisk(in, *h, Child(path, "high_risk"), card);
  }
}

}  // namespace policy_loader
}  // namespace modelwarden
