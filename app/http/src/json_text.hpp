#pragma once
// Minimal JSON string writing for the few fixed-shape documents app/http produces (error bodies, access-log
// lines): cheaper to compile and run than a JSON library for two objects.
#include <string>
#include <string_view>

namespace obscura::httpd {

// Appends s as a quoted JSON string. Control characters are escaped; bytes that are not valid UTF-8 become
// U+FFFD, so a hostile path can neither break the document nor the log line.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace obscura::httpd
