// RouteTable: which call serves a method on a path, as Flask's URL map decides it. A path is
// literal text or holds {name} placeholders, each matching one whole, non-empty path segment
// (its value percent-decoded, as the edge decodes paths); a last segment {*name} matches the
// rest of the path, one or more segments, its value the non-empty text after the slash (as
// Flask's <path:name>). Matched segment by segment, not by
// regular expression. A literal path is tried before any placeholder path, and placeholder
// paths in the order they were added; the first path that has the method wins, so a literal
// such as /modelwarden/webhooks/deliveries comes before /modelwarden/webhooks/{webhook_id}.
// HEAD finds the GET route.
//
// Thread safety: Add only before the table is shared; Find is const and may run concurrently.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace modelwarden {

class RouteTable {
 public:
  struct Match {
    enum class Kind { kFound, kWrongMethod, kNotFound };
    Kind kind = Kind::kNotFound;
    int call = -1;                    // kFound: the call given to Add.
    std::vector<std::string> values;  // kFound: the placeholders' segments, in path order.
    std::string allow;                // kWrongMethod: Flask's Allow for every matching path.
  };

  // Serves `method` on `path` with `call`. A later Add of the same method and path wins.
  void Add(std::string_view method, std::string_view path, int call);

  // The call for `method` on `path`; kWrongMethod when a path matches but none has the method
  // (an OPTIONS request gets this too, for its Allow); kNotFound when no path matches.
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Methods {
    std::map<std::string, int, std::less<>> by_method;
  };
  struct Pattern {
    std::vector<std::string> segments;  // "{...}" marks a placeholder.
    Methods methods;
  };

  std::unordered_map<std::string, Methods> literal_;
  std::vector<Pattern> patterns_;
};

// Flask's Allow for a path's `methods`: them, HEAD with GET, and OPTIONS, sorted, ", "-joined.
std::string AllowHeader(std::set<std::string> methods);

}  // namespace modelwarden
