#pragma once
// obscura_search_match(words, title, description, tags, file_name, camera): true when the five texts, as the
// asset_search FTS5 table holds them, match the search "word1"* AND "word2"* … — the same answer as
// `asset_search MATCH`, decided for one row without reading the index. The words come as one text, '\n' between
// them (a search word never holds one).
//
// Why: FTS5 answers a prefix query by merging the doclists of every term with that prefix before it returns its
// first row, so a word every asset holds costs O(library) per query (155 ms at a million assets) however few rows
// the page needs. Walking the timeline and testing each row costs O(rows walked) instead. The texts are cut into
// tokens by FTS5's own unicode61 tokenizer with the table's options, so case folding, accents and separators are
// exactly the index's; a query word is a phrase of its tokens, the last one a prefix, within one column, as
// FTS5's query parser makes it.
#include <sqlite3.h>

#include <string_view>

namespace obscura::sqlite {

inline constexpr std::string_view kSearchMatchFunction = "obscura_search_match";

// Registers the function on one connection. Returns the SQLite result code (SQLITE_OK on success).
int registerSearchMatch(sqlite3* db);

}  // namespace obscura::sqlite
