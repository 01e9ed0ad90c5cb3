// Query strings decoded as werkzeug decodes request.args for MLflow's handlers: the string is
// split on '&', empty pieces are skipped, each piece is split at its first '=' (a piece without
// one is a key with an empty value), and keys and values are form-decoded ('+' is a space, %XX a
// byte; a malformed escape stays as it is). Repeated keys are all kept, in order. Bytes are not
// checked for UTF-8 here: RequestReader refuses ill-formed text with MLflow's error. Pure;
// thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace modelwarden {

// The same type as compat/request_reader.h QueryParams.
std::multimap<std::string, std::string> ParseQueryString(std::string_view query);

}  // namespace modelwarden
