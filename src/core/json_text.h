// JSON text: appending a string as a JSON string literal, for the hot paths
// that write JSON by hand (the resolve answer, the upload body) instead of
// building a DOM. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace srclink {

// Appends `s` as a quoted JSON string: '"' and '\\' escaped, control
// characters as \n, \r, \t or \u00XX, valid UTF-8 copied as is, and each
// byte of invalid UTF-8 replaced by \ufffd (JSON text must be UTF-8).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace srclink
