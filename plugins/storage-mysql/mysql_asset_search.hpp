#pragma once
// Search (AssetFilter::q) without InnoDB FULLTEXT, whose stopword list and minimum word length would drop
// words DESIGN.md says must match. Each asset's searchable text is split into words here and stored one row
// per word in asset_words, whose accent- and case-insensitive collation makes `word LIKE 'prefix%'` an index
// range: a query word matches a stored word it equals or begins, ignoring case and accents.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mysql_connection.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::mysql {

inline constexpr int kMaxSearchWords = 16;
// Longer words are stored (and searched) by their first 64 characters.
inline constexpr std::size_t kMaxWordChars = 64;

// The words of a text: runs of Unicode letters and digits; everything else (spaces, punctuation, symbols,
// emoji, combining marks, invalid UTF-8) separates words.
std::vector<std::string> searchWords(std::string_view text);

// The distinct words of everything searchable in an asset: title, description, tags, original file name, and
// the EXIF make and model.
std::vector<std::string> assetWords(const std::string& title, const std::string& description,
                                    const std::vector<std::string>& tags, const std::string& fileName,
                                    const std::string& exifJson);

// Replaces the asset's rows in asset_words (fresh: it has none yet, so there is nothing to delete).
void writeAssetWords(sql::Session& connection, std::int64_t assetSeq, const std::string& ownerId,
                     const std::vector<std::string>& words, bool fresh = false);

// The LIKE pattern for one query word: the word (cut to kMaxWordChars) with LIKE's wildcards escaped, then '%'.
std::string prefixPattern(std::string_view word);

}  // namespace obscura::mysql
