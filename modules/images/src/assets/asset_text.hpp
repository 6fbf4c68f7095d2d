#pragma once
// The rules for the text a user gives an asset (PATCH /api/assets/{id}, and the upload's fields): one place,
// so both paths accept and refuse the same things. Input is valid UTF-8 already (JSON, or cleaned multipart).
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::images {

inline constexpr std::size_t kMaxTitleBytes = 500;
inline constexpr std::size_t kMaxDescriptionBytes = 10000;
inline constexpr std::size_t kMaxTagBytes = 100;
inline constexpr std::size_t kMaxTags = 100;

// Invalid (422) when too long or holding control characters (description may hold line breaks and tabs).
Status checkTitle(const std::string& title);
Status checkDescription(const std::string& description);

// Trims each tag, drops empty ones and later duplicates that differ only in ASCII case (the first spelling
// wins), and refuses tags with a comma (the upload's separator), a control character or over kMaxTagBytes,
// and more than kMaxTags tags.
Expected<std::vector<std::string>> normalizeTags(const std::vector<std::string>& tags);

}  // namespace obscura::images
