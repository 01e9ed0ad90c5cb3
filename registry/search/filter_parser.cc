// MLflow 3.6 parses registry filters with sqlparse (mlflow/utils/search_utils.py,
// SearchModelUtils / SearchModelVersionUtils) and the SQL store then rejects what it cannot
// translate (sqlalchemy_store.py, _get_search_*_filter_*). This file implements the accepted
// language directly, with a hand-written scanner that reproduces the sqlparse token rules the
// registry grammar can reach, and folds the store's checks into the parse so that every
// rejection is an InvalidArgument here rather than later.
//
// Deliberate differences from MLflow, all in the direction of rejecting more:
//  * version_number takes an integer (bare or quoted); MLflow also accepts floats and
//    non-numeric quoted strings and lets the database compare them.
//  * run_id IN lists accept only plain '...' / "..." items (no backslashes, no implicit
//    concatenation, no string prefixes); MLflow evaluates the list with ast.literal_eval.
#include "registry/search/filter_parser.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/decimal.h"
#include "registry/entities.h"
#include "registry/python_repr.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// sqlparse words are Python's Unicode \w. Approximation: every byte of a non-ASCII UTF-8
// sequence counts as a word byte.
bool IsWordByte(char c) {
  return IsAsciiDigit(c) || IsAsciiAlpha(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

// Parses [+-]?[0-9]+ into an int64, rejecting overflow.
bool ParseSignedInt64(std::string_view s, int64_t* out) {
  const std::optional<int64_t> value = ParseDecimalInt64(s);
  if (value) *out = *value;
  return value.has_value();
}

// Python's str.islower(): at least one cased character and no uppercase one. Non-ASCII
// characters are treated as uncased (run ids are ASCII).
bool PyIsLower(std::string_view s) {
  bool cased = false;
  for (char c : s) {
    if (IsAsciiUpper(c)) return false;
    if (IsAsciiLower(c)) cased = true;
  }
  return cased;
}

const char* ComparatorText(Comparator c) {
  switch (c) {
    case Comparator::kEqual:
      return "=";
    case Comparator::kNotEqual:
      return "!=";
    case Comparator::kLike:
      return "LIKE";
    case Comparator::kILike:
      return "ILIKE";
    case Comparator::kIn:
      return "IN";
    case Comparator::kLess:
      return "<";
    case Comparator::kLessEqual:
      return "<=";
    case Comparator::kGreater:
      return ">";
    case Comparator::kGreaterEqual:
      return ">=";
  }
  return "?";
}

bool IsStringComparator(Comparator c) {
  return c == Comparator::kEqual || c == Comparator::kNotEqual || c == Comparator::kLike ||
         c == Comparator::kILike;
}

bool IsNumericComparator(Comparator c) {
  return c == Comparator::kEqual || c == Comparator::kNotEqual || c == Comparator::kLess ||
         c == Comparator::kLessEqual || c == Comparator::kGreater || c == Comparator::kGreaterEqual;
}

enum class ValueKind { kString, kInteger, kList };

struct ParsedValue {
  ValueKind kind = ValueKind::kString;
  std::string text;  // kString: between the quotes, raw; kInteger: the token as written.
  int64_t number = 0;
  std::vector<std::string> list;
};

class FilterParser {
 public:
  FilterParser(std::string_view filter, SearchTarget target)
      : s_(filter),
        target_(target),
        last_single_(filter.rfind('\'')),
        last_double_(filter.rfind('"')),
        last_backtick_(filter.rfind('`')) {}

  Result<std::vector<FilterClause>> Parse() {
    std::vector<FilterClause> clauses;
    SkipAnds();
    while (!AtEnd()) {
      Result<FilterClause> clause = ParseComparison();
      if (!clause.ok()) return clause.status();
      clauses.push_back(std::move(*clause));
      SkipSpace();
      if (AtEnd()) break;
      const size_t before = pos_;
      const std::string_view word = ReadWord();
      if (AsciiUpper(word) != "AND") {
        return InvalidClause(word.empty() ? s_.substr(before) : word);
      }
      SkipAnds();
    }
    return clauses;
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  void SkipSpace() {
    while (!AtEnd() && IsAsciiSpace(s_[pos_])) ++pos_;
  }
  // sqlparse keeps an AND keyword wherever it stands, and MLflow's _process_statement drops
  // every one: "AND name = 'a'", "name = 'a' AND", "... AND AND ..." and "AND" alone are all
  // accepted.
  void SkipAnds() {
    while (true) {
      SkipSpace();
      const size_t before = pos_;
      if (AsciiUpper(ReadWord()) != "AND") {
        pos_ = before;
        return;
      }
    }
  }
  std::string_view ReadWord() {
    const size_t start = pos_;
    while (!AtEnd() && IsWordByte(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // At an opening quote (' " or `), consumes the quoted token and returns the text between
  // the quotes, unescaped as MLflow leaves it (it only strips the outer quotes). Mirrors
  // sqlparse's regexes '(''|\\'|[^'])*', "(""|\\"|[^"])*" and `(``|[^`])*` including their
  // backtracking: a doubled (or, except for backticks, backslash-escaped) quote continues
  // the token only if some later quote can still close it.
  std::optional<std::string_view> ReadQuoted() {
    const char q = s_[pos_];
    const size_t last = q == '\'' ? last_single_ : q == '"' ? last_double_ : last_backtick_;
    const bool backslash_escapes = q != '`';
    size_t p = pos_ + 1;
    while (p < s_.size()) {
      const bool can_continue = last != kNpos && last >= p + 2;
      const bool next_is_quote = p + 1 < s_.size() && s_[p + 1] == q;
      if (s_[p] == q) {
        if (next_is_quote && can_continue) {
          p += 2;
          continue;
        }
        const std::string_view inner = s_.substr(pos_ + 1, p - pos_ - 1);
        pos_ = p + 1;
        return inner;
      }
      if (backslash_escapes && s_[p] == '\\' && next_is_quote && can_continue) {
        p += 2;
        continue;
      }
      ++p;
    }
    return std::nullopt;
  }

  static Status InvalidClause(std::string_view what) {
    // Echo at most ~200 bytes of the offending text, cut on a UTF-8 boundary.
    constexpr size_t kMaxEcho = 200;
    std::string shown(what);
    if (shown.size() > kMaxEcho) {
      size_t cut = kMaxEcho;
      while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
      shown = shown.substr(0, cut) + "...";
    }
    return Status::InvalidArgument("Invalid clause(s) in filter string: " + shown);
  }
  Status InvalidClauseFrom(size_t start) const { return InvalidClause(s_.substr(start)); }

  Result<FilterAttribute> LookupAttribute(std::string_view key) const {
    if (key == "name") return FilterAttribute::kName;
    if (target_ == SearchTarget::kModelVersions) {
      if (key == "run_id") return FilterAttribute::kRunId;
      if (key == "source_path") return FilterAttribute::kSourcePath;
      if (key == "version_number") return FilterAttribute::kVersionNumber;
    }
    const char* valid = target_ == SearchTarget::kModelVersions
                            ? "{'name', 'run_id', 'source_path', 'version_number'}"
                            : "{'name'}";
    return Status::InvalidArgument("Invalid attribute key " + PyRepr(key) +
                                   " specified. Valid keys are '" + valid + "'");
  }

  // identifier := word | ("attribute" | "tag" | "tags") "." key
  // key        := word ("." word)* | `quoted` | "quoted" | 'quoted'   (quoted only for tags)
  Status ParseIdentifier(size_t clause_start, FilterClause* clause) {
    const std::string_view first = ReadWord();
    if (first.empty()) return InvalidClauseFrom(clause_start);
    if (Peek() != '.') {
      Result<FilterAttribute> attribute = LookupAttribute(first);
      if (!attribute.ok()) return attribute.status();
      clause->kind = FilterKind::kAttribute;
      clause->attribute = *attribute;
      return Status::Ok();
    }
    ++pos_;  // The dot.
    if (first != "attribute" && first != "tag" && first != "tags") {
      return Status::InvalidArgument("Invalid entity type " + PyRepr(first) +
                                     ". Valid entity types are ('attribute', 'tag', 'tags')");
    }
    const bool is_tag = first != "attribute";
    std::string key;
    const char c = Peek();
    if (c == '`' || c == '"' || c == '\'') {
      const size_t quote_start = pos_;
      const std::optional<std::string_view> inner = ReadQuoted();
      if (!inner) return InvalidClauseFrom(clause_start);
      if (Peek() == '.' || IsWordByte(Peek())) return InvalidClauseFrom(clause_start);
      if (!is_tag) {
        // MLflow checks the attribute key before stripping quotes, so it never matches.
        return LookupAttribute(s_.substr(quote_start, pos_ - quote_start)).status();
      }
      key = std::string(*inner);
    } else {
      std::string_view word = ReadWord();
      if (word.empty()) return InvalidClauseFrom(clause_start);
      key = std::string(word);
      while (Peek() == '.') {
        ++pos_;
        word = ReadWord();
        if (word.empty()) return InvalidClauseFrom(clause_start);
        key += '.';
        key += word;
      }
    }
    if (is_tag) {
      clause->kind = FilterKind::kTag;
      clause->tag_key = std::move(key);
      return Status::Ok();
    }
    Result<FilterAttribute> attribute = LookupAttribute(key);
    if (!attribute.ok()) return attribute.status();
    clause->kind = FilterKind::kAttribute;
    clause->attribute = *attribute;
    return Status::Ok();
  }

  Result<Comparator> ParseComparator(size_t clause_start) {
    const char c = Peek();
    if (c == '<' || c == '>' || c == '=' || c == '!' || c == '~') {
      // sqlparse lexes any run of these characters as one comparison operator.
      const size_t start = pos_;
      while (!AtEnd() &&
             (Peek() == '<' || Peek() == '>' || Peek() == '=' || Peek() == '!' || Peek() == '~')) {
        ++pos_;
      }
      const std::string_view op = s_.substr(start, pos_ - start);
      if (op == "=") return Comparator::kEqual;
      if (op == "!=") return Comparator::kNotEqual;
      if (op == "<") return Comparator::kLess;
      if (op == "<=") return Comparator::kLessEqual;
      if (op == ">") return Comparator::kGreater;
      if (op == ">=") return Comparator::kGreaterEqual;
      return Status::InvalidArgument("Invalid comparator '" + std::string(op) + "'");
    }
    if (IsWordByte(c)) {
      const std::string word = AsciiUpper(ReadWord());
      if (word == "LIKE") return Comparator::kLike;
      if (word == "ILIKE") return Comparator::kILike;
      if (word == "IN") return Comparator::kIn;
      if (word == "NOT") {
        return Status::InvalidArgument(
            "Negated comparators (NOT LIKE, NOT ILIKE, NOT IN) are not supported in filter "
            "string: " +
            std::string(s_.substr(clause_start)));
      }
    }
    return InvalidClauseFrom(clause_start);
  }

  // ( 'a', "b", ... ) with an optional trailing comma, as Python's literal_eval would read a
  // tuple of plain string literals.
  Result<std::vector<std::string>> ParseList() {
    static constexpr char kIllFormed[] =
        "While parsing a list in the query, expected a non-empty list of string values, but got "
        "ill-formed list.";
    ++pos_;  // '('
    std::vector<std::string> items;
    while (true) {
      SkipSpace();
      if (Peek() == ')') {
        if (items.empty()) {
          return Status::InvalidArgument(
              "While parsing a list in the query, expected a non-empty list of string values, "
              "but got empty list");
        }
        ++pos_;
        return items;
      }
      const char q = Peek();
      if (AtEnd() || (q != '\'' && q != '"')) return Status::InvalidArgument(kIllFormed);
      const size_t start = pos_ + 1;
      size_t end = start;
      while (end < s_.size() && s_[end] != q) {
        if (s_[end] == '\\' || s_[end] == '\n' || s_[end] == '\r') {
          return Status::InvalidArgument(kIllFormed);
        }
        ++end;
      }
      if (end >= s_.size()) return Status::InvalidArgument(kIllFormed);
      items.emplace_back(s_.substr(start, end - start));
      pos_ = end + 1;
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == ')') continue;
      return Status::InvalidArgument(kIllFormed);
    }
  }

  Result<ParsedValue> ParseValue(size_t clause_start) {
    ParsedValue value;
    const char c = Peek();
    if (AtEnd()) return InvalidClauseFrom(clause_start);
    if (c == '\'' || c == '"') {
      const std::optional<std::string_view> inner = ReadQuoted();
      if (!inner) return InvalidClauseFrom(clause_start);
      value.kind = ValueKind::kString;
      value.text = std::string(*inner);
      return value;
    }
    if (c == '(') {
      Result<std::vector<std::string>> list = ParseList();
      if (!list.ok()) return list.status();
      value.kind = ValueKind::kList;
      value.list = std::move(*list);
      return value;
    }
    if (IsAsciiDigit(c) || (c == '-' && IsAsciiDigit(Peek(1)))) {
      const size_t start = pos_;
      if (c == '-') ++pos_;
      while (IsAsciiDigit(Peek())) ++pos_;
      if (Peek() == '.' || IsWordByte(Peek())) {
        while (!AtEnd() && (Peek() == '.' || IsWordByte(Peek()))) ++pos_;
        return Status::InvalidArgument("Expected an integer value. Got value " +
                                       std::string(s_.substr(start, pos_ - start)));
      }
      value.kind = ValueKind::kInteger;
      value.text = std::string(s_.substr(start, pos_ - start));
      if (!ParseSignedInt64(value.text, &value.number)) {
        return Status::InvalidArgument("Integer value out of range: " + value.text);
      }
      return value;
    }
    if (c == '`' || IsWordByte(c)) {
      const size_t start = pos_;
      if (c == '`') {
        if (!ReadQuoted()) return InvalidClauseFrom(clause_start);
      } else if (AsciiUpper(ReadWord()) == "AND") {
        // "name = AND ...": the value is missing.
        return InvalidClause(Trim(s_.substr(clause_start, start - clause_start)));
      }
      return Status::InvalidArgument(
          "Parameter value is either not quoted or unidentified quote types used for string "
          "value " +
          std::string(s_.substr(start, pos_ - start)) + ". Use either single or double quotes.");
    }
    return InvalidClauseFrom(clause_start);
  }

  Result<FilterClause> ParseComparison() {
    const size_t clause_start = pos_;
    FilterClause clause;
    if (Status s = ParseIdentifier(clause_start, &clause); !s.ok()) return s;
    SkipSpace();
    Result<Comparator> comparator = ParseComparator(clause_start);
    if (!comparator.ok()) return comparator.status();
    clause.comparator = *comparator;
    const std::string op = ComparatorText(clause.comparator);
    SkipSpace();
    Result<ParsedValue> parsed = ParseValue(clause_start);
    if (!parsed.ok()) return parsed.status();
    ParsedValue& value = *parsed;
    const std::string shown = value.kind == ValueKind::kList ? "(...)" : value.text;

    if (clause.kind == FilterKind::kTag) {
      if (value.kind != ValueKind::kString) {
        return Status::InvalidArgument(
            "Expected a quoted string value for tag (e.g. 'my-value'). Got value " + shown);
      }
      if (!IsStringComparator(clause.comparator)) {
        return Status::InvalidArgument("Invalid comparator for tag: " + op);
      }
      clause.value = std::move(value.text);
      return clause;
    }

    if (clause.attribute == FilterAttribute::kVersionNumber) {
      if (value.kind == ValueKind::kList) {
        return Status::InvalidArgument(
            "Only the 'run_id' attribute supports comparison with a list of quoted string "
            "values.");
      }
      if (!IsNumericComparator(clause.comparator)) {
        return Status::InvalidArgument("Invalid comparator for attribute version_number: " + op);
      }
      if (value.kind == ValueKind::kString && !ParseSignedInt64(value.text, &value.number)) {
        return Status::InvalidArgument(
            "Expected an integer value for attribute version_number. Got value " +
            PyRepr(value.text));
      }
      clause.number = value.number;
      clause.value = std::to_string(value.number);
      return clause;
    }

    // name, run_id, source_path: strings, or a list for run_id IN.
    if (value.kind == ValueKind::kInteger) {
      if (target_ == SearchTarget::kModelVersions) {
        return Status::InvalidArgument(
            "Only the '{'version_number'}' attributes support comparison with numeric values.");
      }
      return Status::InvalidArgument(
          "Expected a quoted string value or a list of quoted string values for attributes. "
          "Got value " +
          shown);
    }
    if (value.kind == ValueKind::kList) {
      if (clause.attribute != FilterAttribute::kRunId) {
        return Status::InvalidArgument(
            "Only the 'run_id' attribute supports comparison with a list of quoted string "
            "values.");
      }
      if (clause.comparator != Comparator::kIn) {
        return Status::InvalidArgument("Invalid comparator for attribute: " + op);
      }
      // MySQL compares IN case-insensitively while run ids are lower case, so MLflow drops
      // every value for which str.islower() is false (upper-case letters, all digits). The
      // list may end up empty: it then matches nothing.
      for (std::string& item : value.list) {
        if (PyIsLower(item)) clause.values.push_back(std::move(item));
      }
      return clause;
    }
    if (!IsStringComparator(clause.comparator)) {
      return Status::InvalidArgument("Invalid comparator for attribute: " + op);
    }
    clause.value = std::move(value.text);
    return clause;
  }

  std::string_view s_;
  SearchTarget target_;
  size_t pos_ = 0;
  size_t last_single_;
  size_t last_double_;
  size_t last_backtick_;
};

// _is_querying_prompt: only the first clause on the prompt tag decides.
bool IsQueryingPrompts(const std::vector<FilterClause>& clauses) {
  for (const FilterClause& c : clauses) {
    if (c.kind != FilterKind::kTag || c.tag_key != kIsPromptTagKey) continue;
    const std::string value = AsciiLower(c.value);
    return (c.comparator == Comparator::kEqual && value == "true") ||
           (c.comparator == Comparator::kNotEqual && value == "false");
  }
  return false;
}

}  // namespace

Result<SearchFilter> ParseSearchFilter(std::string_view filter, SearchTarget target) {
  SearchFilter result;
  Result<std::vector<FilterClause>> clauses = FilterParser(filter, target).Parse();
  if (!clauses.ok()) return clauses.status();
  result.clauses = std::move(*clauses);
  result.exclude_prompts = !IsQueryingPrompts(result.clauses);
  if (result.exclude_prompts) {
    // The store excludes prompts with an anti-join instead (_update_query_to_exclude_prompts
    // pops the prompt tag from the tag filters).
    std::vector<FilterClause> kept;
    kept.reserve(result.clauses.size());
    for (FilterClause& c : result.clauses) {
      if (c.kind == FilterKind::kTag && c.tag_key == kIsPromptTagKey) continue;
      kept.push_back(std::move(c));
    }
    result.clauses = std::move(kept);
  }
  return result;
}

}  // namespace modelwarden
