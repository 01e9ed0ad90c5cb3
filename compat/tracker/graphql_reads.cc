#include "compat/tracker/graphql_reads.h"

#include <rapidjson/document.h>

#include <cctype>
#include <utility>

#include "compat/tracker/tracker_json.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

// Nesting (selections, lists, objects) deeper than this is refused, so no document can exhaust
// the stack of a recursive parse.
constexpr int kMaxDepth = 32;

Status NotGraphql(const std::string& why) {
  return Status::InvalidArgument("The GraphQL request could not be read: " + why + ".");
}

Status AdminsOnly(const std::string& what) {
  return Status::PermissionDenied("Permission denied: " + what +
                                  " in a GraphQL request is for admins only.");
}

struct Token {
  enum Kind { kName, kPunct, kString, kNumber } kind;
  std::string text;  // A string's value, unescaped as far as the check needs.
};

bool IsNameStart(char c) { return c == '_' || std::isalpha(static_cast<unsigned char>(c)); }
bool IsNameChar(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

Result<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n' && text[i] != '\r') ++i;
    } else if (text.substr(i, 3) == "...") {
      tokens.push_back({Token::kPunct, "..."});
      i += 3;
    } else if (std::string_view("!$&():=@[]{}|").find(c) != std::string_view::npos) {
      tokens.push_back({Token::kPunct, std::string(1, c)});
      ++i;
    } else if (IsNameStart(c)) {
      const size_t start = i;
      while (i < text.size() && IsNameChar(text[i])) ++i;
      tokens.push_back({Token::kName, std::string(text.substr(start, i - start))});
    } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      const size_t start = i++;
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                                 text[i] == '.' || text[i] == '+' || text[i] == '-')) {
        ++i;
      }
      tokens.push_back({Token::kNumber, std::string(text.substr(start, i - start))});
    } else if (text.substr(i, 3) == "\"\"\"") {
      const size_t end = text.find("\"\"\"", i + 3);
      if (end == std::string_view::npos) return NotGraphql("a block string does not end");
      tokens.push_back({Token::kString, std::string(text.substr(i + 3, end - i - 3))});
      i = end + 3;
    } else if (c == '"') {
      std::string value;
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\n' || text[i] == '\r') return NotGraphql("a string breaks a line");
        if (text[i] == '\\') {
          if (i + 1 >= text.size()) break;
          const char escaped = text[i + 1];
          // Ids are plain text: an escape other than these makes the value unusable as one.
          value += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
          i += escaped == 'u' ? 6 : 2;
          continue;
        }
        value += text[i++];
      }
      if (i >= text.size()) return NotGraphql("a string does not end");
      ++i;
      tokens.push_back({Token::kString, std::move(value)});
    } else {
      return NotGraphql("unexpected character");
    }
  }
  return tokens;
}

// A GraphQL input value with its variables resolved.
struct Value {
  enum Kind { kNull, kScalar, kList, kObject } kind = kNull;
  std::string scalar;
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> fields;

  const Value* Field(const std::string& name) const {
    for (const auto& [key, value] : fields) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

Result<Value> FromJson(const rj::Value& json, int depth) {
  if (depth > kMaxDepth) return NotGraphql("the variables nest too deeply");
  Value value;
  if (json.IsString()) {
    value.kind = Value::kScalar;
    value.scalar.assign(json.GetString(), json.GetStringLength());
  } else if (json.IsInt64()) {
    value.kind = Value::kScalar;
    value.scalar = std::to_string(json.GetInt64());
  } else if (json.IsArray()) {
    value.kind = Value::kList;
    for (const rj::Value& item : json.GetArray()) {
      ASSIGN_OR_RETURN(Value converted, FromJson(item, depth + 1));
      value.items.push_back(std::move(converted));
    }
  } else if (json.IsObject()) {
    value.kind = Value::kObject;
    for (const auto& member : json.GetObject()) {
      ASSIGN_OR_RETURN(Value converted, FromJson(member.value, depth + 1));
      value.fields.emplace_back(member.name.GetString(), std::move(converted));
    }
  } else if (!json.IsNull()) {
    value.kind = Value::kScalar;  // A boolean or a float: never an id.
  }
  return value;
}

struct RootField {
  std::string name;
  Value arguments;  // kObject.
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, const rj::Value* variables)
      : tokens_(std::move(tokens)), variables_(variables) {}

  Result<std::vector<RootField>> Document() {
    if (tokens_.empty()) return NotGraphql("the document is empty");
    while (at_ < tokens_.size()) RETURN_IF_ERROR(Definition());
    return std::move(roots_);
  }

 private:
  bool Is(Token::Kind kind, std::string_view text) const {
    return at_ < tokens_.size() && tokens_[at_].kind == kind && tokens_[at_].text == text;
  }
  bool IsPunct(std::string_view text) const { return Is(Token::kPunct, text); }
  Status Expect(std::string_view text) {
    if (!IsPunct(text)) return NotGraphql("expected '" + std::string(text) + "'");
    ++at_;
    return Status::Ok();
  }
  Result<std::string> Name() {
    if (at_ >= tokens_.size() || tokens_[at_].kind != Token::kName) {
      return NotGraphql("expected a name");
    }
    return tokens_[at_++].text;
  }

  Status Definition() {
    if (IsPunct("{")) return SelectionSet(0, true);
    ASSIGN_OR_RETURN(std::string keyword, Name());
    if (keyword != "query" && keyword != "mutation") {
      return AdminsOnly(keyword == "fragment" ? "a fragment" : "'" + keyword + "'");
    }
    if (at_ < tokens_.size() && tokens_[at_].kind == Token::kName) ++at_;  // The name.
    if (IsPunct("(")) RETURN_IF_ERROR(SkipVariableDefinitions());
    RETURN_IF_ERROR(Directives(0));
    return SelectionSet(0, true);
  }

  // ($name: Type = default, ...): what matters is in the variables object.
  Status SkipVariableDefinitions() {
    int open = 0;
    do {
      if (at_ >= tokens_.size()) return NotGraphql("the variable definitions do not end");
      if (IsPunct("(") || IsPunct("[") || IsPunct("{")) ++open;
      if (IsPunct(")") || IsPunct("]") || IsPunct("}")) --open;
      ++at_;
    } while (open > 0);
    return Status::Ok();
  }

  Status Directives(int depth) {
    while (IsPunct("@")) {
      ++at_;
      RETURN_IF_ERROR(Name().status());
      if (IsPunct("(")) RETURN_IF_ERROR(Arguments(depth).status());
    }
    return Status::Ok();
  }

  Status SelectionSet(int depth, bool root) {
    if (depth > kMaxDepth) return NotGraphql("the selections nest too deeply");
    RETURN_IF_ERROR(Expect("{"));
    while (!IsPunct("}")) {
      if (at_ >= tokens_.size()) return NotGraphql("a selection set does not end");
      if (IsPunct("...")) {
        ++at_;
        if (root) return AdminsOnly("a fragment at the root");
        if (!Is(Token::kName, "on")) return AdminsOnly("a fragment spread");
        ++at_;
        RETURN_IF_ERROR(Name().status());
        RETURN_IF_ERROR(Directives(depth));
        RETURN_IF_ERROR(SelectionSet(depth + 1, false));
        continue;
      }
      ASSIGN_OR_RETURN(std::string name, Name());
      if (IsPunct(":")) {  // An alias.
        ++at_;
        ASSIGN_OR_RETURN(name, Name());
      }
      Value arguments;
      arguments.kind = Value::kObject;
      if (IsPunct("(")) {
        ASSIGN_OR_RETURN(arguments, Arguments(depth));
      }
      RETURN_IF_ERROR(Directives(depth));
      if (IsPunct("{")) RETURN_IF_ERROR(SelectionSet(depth + 1, false));
      if (root) roots_.push_back({std::move(name), std::move(arguments)});
    }
    ++at_;
    return Status::Ok();
  }

  Result<Value> Arguments(int depth) {
    RETURN_IF_ERROR(Expect("("));
    Value arguments;
    arguments.kind = Value::kObject;
    while (!IsPunct(")")) {
      ASSIGN_OR_RETURN(std::string name, Name());
      RETURN_IF_ERROR(Expect(":"));
      ASSIGN_OR_RETURN(Value value, ParseValue(depth + 1));
      arguments.fields.emplace_back(std::move(name), std::move(value));
    }
    ++at_;
    return arguments;
  }

  Result<Value> ParseValue(int depth) {
    if (depth > kMaxDepth) return NotGraphql("a value nests too deeply");
    if (at_ >= tokens_.size()) return NotGraphql("a value is missing");
    Value value;
    if (IsPunct("$")) {
      ++at_;
      ASSIGN_OR_RETURN(std::string name, Name());
      if (variables_ == nullptr) return value;
      auto it = variables_->FindMember(name.c_str());
      if (it == variables_->MemberEnd()) return value;
      return FromJson(it->value, 0);
    }
    if (IsPunct("[") || IsPunct("{")) {
      const bool list = IsPunct("[");
      ++at_;
      value.kind = list ? Value::kList : Value::kObject;
      const std::string_view close = list ? "]" : "}";
      while (!IsPunct(close)) {
        if (at_ >= tokens_.size()) return NotGraphql("a value does not end");
        if (list) {
          ASSIGN_OR_RETURN(Value item, ParseValue(depth + 1));
          value.items.push_back(std::move(item));
        } else {
          ASSIGN_OR_RETURN(std::string name, Name());
          RETURN_IF_ERROR(Expect(":"));
          ASSIGN_OR_RETURN(Value field, ParseValue(depth + 1));
          value.fields.emplace_back(std::move(name), std::move(field));
        }
      }
      ++at_;
      return value;
    }
    const Token& token = tokens_[at_++];
    if (token.kind == Token::kPunct) return NotGraphql("unexpected '" + token.text + "'");
    if (token.kind == Token::kName && token.text == "null") return value;
    value.kind = Value::kScalar;
    value.scalar = token.text;
    return value;
  }

  std::vector<Token> tokens_;
  const rj::Value* variables_;
  size_t at_ = 0;
  std::vector<RootField> roots_;
};

// input.<key> as one id; nullopt when absent.
std::optional<std::string> IdIn(const Value& arguments, const char* key) {
  const Value* input = arguments.Field("input");
  const Value* id = input ? input->Field(key) : nullptr;
  if (id == nullptr || id->kind != Value::kScalar || id->scalar.empty()) return std::nullopt;
  return id->scalar;
}

std::vector<std::string> IdsIn(const Value& arguments, const char* key) {
  std::vector<std::string> ids;
  const Value* input = arguments.Field("input");
  const Value* list = input ? input->Field(key) : nullptr;
  if (list == nullptr) return ids;
  if (list->kind == Value::kScalar) ids.push_back(list->scalar);  // GraphQL's list coercion.
  for (const Value& item : list->items) {
    if (item.kind == Value::kScalar) ids.push_back(item.scalar);
  }
  return ids;
}

}  // namespace

Result<GraphqlReads> ReadGraphqlRequest(std::string_view query, std::string_view variables) {
  rj::Document vars;
  if (!variables.empty() && variables != "null") {
    if (!ParseBoundedJson(variables, vars) || !vars.IsObject()) {
      return NotGraphql("the variables are not a JSON object");
    }
  }
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(query));
  Parser parser(std::move(tokens), vars.IsObject() ? &vars : nullptr);
  // Every operation is checked, whichever one operationName picks.
  ASSIGN_OR_RETURN(std::vector<RootField> roots, parser.Document());
  GraphqlReads reads;
  for (const RootField& root : roots) {
    const std::string& name = root.name;
    if (name == "__typename" || name == "test" || name == "testMutation") continue;
    if (name == "mlflowGetRun" || name == "mlflowListArtifacts") {
      std::optional<std::string> run = IdIn(root.arguments, "runId");
      if (!run) run = IdIn(root.arguments, "runUuid");
      if (!run) return NotGraphql(name + " names no run");
      reads.runs.push_back(*run);
    } else if (name == "mlflowGetMetricHistoryBulkInterval") {
      std::vector<std::string> runs = IdsIn(root.arguments, "runIds");
      if (runs.empty()) return NotGraphql(name + " names no run");
      reads.runs.insert(reads.runs.end(), runs.begin(), runs.end());
    } else if (name == "mlflowGetExperiment") {
      std::optional<std::string> experiment = IdIn(root.arguments, "experimentId");
      if (!experiment) return NotGraphql(name + " names no experiment");
      reads.experiments.push_back(*experiment);
    } else if (name == "mlflowSearchRuns" || name == "mlflowSearchDatasets") {
      std::vector<std::string> experiments = IdsIn(root.arguments, "experimentIds");
      // None named: the default permission decides, as for REST searches.
      if (experiments.empty()) experiments.push_back("");
      reads.experiments.insert(reads.experiments.end(), experiments.begin(), experiments.end());
    } else {
      return AdminsOnly("the field '" + name + "'");
    }
  }
  return reads;
}

}  // namespace modelwarden
