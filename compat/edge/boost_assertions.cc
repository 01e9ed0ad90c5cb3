// Boost's assertion handler for builds that keep Boost's assertions on (Debug, and the sanitized
// build of scripts/sanitize) (BOOST_ENABLE_ASSERT_DEBUG_HANDLER, without NDEBUG): a failed
// BOOST_ASSERT aborts as assert() does, except for the assertions listed here, which are wrong in
// the Boost that Debian 12 ships (1.74). Release builds define NDEBUG, where BOOST_ASSERT checks
// nothing; this file is then empty.
#if defined(BOOST_ENABLE_ASSERT_DEBUG_HANDLER) && !defined(NDEBUG)

#include <boost/assert.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// Beast's chunked-body parser, once it has seen the last chunk's "0\r\n" (of a body that has no
// chunk before it) while the trailer's CRLF has not arrived, asserts that at least five bytes
// are buffered when called again; with one more byte there are four, and the code after the
// assertion rightly asks for more. A client that sends its last chunk a byte at a time reaches
// it. Beast fixed the assertion in 2024 (boostorg/beast pull request 2861).
bool KnownWrong(const char* expr, const char* file) {
  const char kParser[] = "boost/beast/http/impl/basic_parser.ipp";
  const size_t length = std::strlen(file);
  const size_t suffix = sizeof(kParser) - 1;
  return std::strcmp(expr, "n >= 5") == 0 && length >= suffix &&
         std::strcmp(file + length - suffix, kParser) == 0;
}

}  // namespace

namespace boost {

void assertion_failed_msg(const char* expr, const char* msg, const char* function, const char* file,
                          long line) {
  if (KnownWrong(expr, file)) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed%s%s.\n", file, line, function, expr,
               msg[0] != '\0' ? ": " : "", msg);
  std::abort();
}

void assertion_failed(const char* expr, const char* function, const char* file, long line) {
  assertion_failed_msg(expr, "", function, file, line);
}

}  // namespace boost

#endif
