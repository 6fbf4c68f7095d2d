#include "mysql_asset_search.hpp"

#include <locale.h>
#include <wctype.h>

#include <set>

#include "sql_asset_rows.hpp"

namespace obscura::mysql {

namespace {

// Decodes one UTF-8 code point at text[i], advancing i; invalid input yields -1 and one byte.
std::int32_t nextCodePoint(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    const int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
        ++i;
        return -1;
    }
    std::int32_t cp = length == 1 ? lead : lead & (0x7f >> length);
    for (int k = 1; k < length; ++k) {
        const unsigned char c = byte(i + static_cast<std::size_t>(k));
        if ((c & 0xc0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (c & 0x3f);
    }
    i += static_cast<std::size_t>(length);
    return cp;
}

// glibc's C.UTF-8 classifies every Unicode letter and digit (Debian always ships it). Should it be missing,
// non-ASCII code points count as letters except the common punctuation and spaces, as the SQLite plugin
// splits its queries.
locale_t unicodeLocale() {
    static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return locale;
}

bool isWordCharacter(std::int32_t cp) {
    if (cp < 0) return false;
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if (const locale_t locale = unicodeLocale(); locale != static_cast<locale_t>(nullptr)) {
        return iswalnum_l(static_cast<wint_t>(cp), locale) != 0;
    }
    if (cp <= 0xbf || cp == 0xd7 || cp == 0xf7) return false;
    if ((cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x3000 && cp <= 0x301f) || (cp >= 0xff01 && cp <= 0xff65))
        return false;
    return cp != 0xfeff;
}

// The first kMaxWordChars code points of a word.
std::string cut(std::string_view word) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80 && ++chars > kMaxWordChars) {
            return std::string(word.substr(0, i));
        }
    }
    return std::string(word);
}

void insertWords(sql::Session& connection, std::int64_t assetSeq, const std::string& ownerId,
                 const std::vector<std::string>& words, std::size_t from, std::size_t count) {
    std::string sql = "INSERT INTO asset_words (asset_seq, owner_id, word) VALUES ";
    for (std::size_t i = 0; i < count; ++i) sql += i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
    // Words equal under the collation ("Café", "cafe") are one row: the first is kept.
    sql += " ON DUPLICATE KEY UPDATE word = asset_words.word";
    auto stmt = connection.prepare(sql);
    int index = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        stmt.set(++index, assetSeq);
        stmt.set(++index, ownerId);
        stmt.set(++index, words[i]);
    }
    stmt.execute();
}

}  // namespace

std::vector<std::string> searchWords(std::string_view text) {
    std::vector<std::string> words;
    std::string current;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        const std::int32_t cp = nextCodePoint(text, i);
        if (isWordCharacter(cp)) {
            current.append(text.substr(start, i - start));
        } else if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

std::vector<std::string> assetWords(const std::string& title, const std::string& description,
                                    const std::vector<std::string>& tags, const std::string& fileName,
                                    const std::string& exifJson) {
    std::set<std::string> distinct;
    const auto add = [&](std::string_view text) {
        for (const auto& word : searchWords(text)) distinct.insert(cut(word));
    };
    add(title);
    add(description);
    for (const auto& tag : tags) add(tag);
    add(fileName);
    add(sql::cameraText(exifJson));
    return {distinct.begin(), distinct.end()};
}

void writeAssetWords(sql::Session& connection, std::int64_t assetSeq, const std::string& ownerId,
                     const std::vector<std::string>& words, bool fresh) {
    if (!fresh) {
        auto clear = connection.prepare("DELETE FROM asset_words WHERE asset_seq = ?");
        clear.bind(assetSeq).execute();
    }
    // Batches of 32, 8 and 1 rows: few round trips, and only three statement shapes in the cache.
    std::size_t done = 0;
    for (const std::size_t batch : {std::size_t{32}, std::size_t{8}, std::size_t{1}}) {
        while (words.size() - done >= batch) {
            insertWords(connection, assetSeq, ownerId, words, done, batch);
            done += batch;
        }
    }
}

std::string prefixPattern(std::string_view word) {
    std::string pattern;
    for (const char c : cut(word)) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

}  // namespace obscura::mysql
