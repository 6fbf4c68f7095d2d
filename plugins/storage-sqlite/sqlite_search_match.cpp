#include "sqlite_search_match.hpp"

#include <memory>
#include <string>
#include <vector>

namespace obscura::sqlite {

namespace {

// The table's tokenizer: `tokenize = 'unicode61 remove_diacritics 2'` in sqlite_schema.cpp.
constexpr const char* kTokenizerName = "unicode61";
constexpr const char* kTokenizerArgs[] = {"remove_diacritics", "2"};
constexpr int kColumns = 5;  // title, description, tags, file_name, camera

struct Tokenizer {
    fts5_tokenizer api{};
    Fts5Tokenizer* instance = nullptr;
    Tokenizer() = default;
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;
    ~Tokenizer() {
        if (instance != nullptr) api.xDelete(instance);
    }
};

// The tokens of one text, as FTS5 indexes them: one buffer, each token's end offset.
struct Tokens {
    std::string bytes;
    std::vector<std::size_t> ends;
    std::size_t size() const { return ends.size(); }
    std::string_view at(std::size_t i) const {
        const std::size_t begin = i == 0 ? 0 : ends[i - 1];
        return std::string_view(bytes).substr(begin, ends[i] - begin);
    }
    void clear() {
        bytes.clear();
        ends.clear();
    }
};

int collect(void* context, int /*flags*/, const char* token, int length, int /*start*/, int /*end*/) {
    // unicode61 emits no colocated tokens (FTS5_TOKEN_COLOCATED): each token takes the next position.
    // A C callback: no exception may unwind through SQLite's frames.
    try {
        auto* tokens = static_cast<Tokens*>(context);
        tokens->bytes.append(token, static_cast<std::size_t>(length));
        tokens->ends.push_back(tokens->bytes.size());
        return SQLITE_OK;
    } catch (...) {
        return SQLITE_NOMEM;
    }
}

bool tokenize(const Tokenizer& t, int flags, std::string_view text, Tokens& out) {
    out.clear();
    return t.api.xTokenize(t.instance, &out, flags, text.data(), static_cast<int>(text.size()), collect) == SQLITE_OK;
}

// FTS5 phrase semantics: the phrase's tokens at consecutive positions of one column, its last token a prefix.
bool containsPhrase(const Tokens& column, const Tokens& phrase) {
    const std::size_t n = phrase.size();
    if (n == 0 || column.size() < n) return false;
    for (std::size_t start = 0; start + n <= column.size(); ++start) {
        bool all = true;
        for (std::size_t k = 0; k < n && all; ++k) {
            const std::string_view have = column.at(start + k);
            const std::string_view want = phrase.at(k);
            all = k + 1 < n ? have == want : have.substr(0, want.size()) == want;
        }
        if (all) return true;
    }
    return false;
}

// The query's phrases, tokenized once per statement (kept as the words argument's auxiliary data).
struct Query {
    std::vector<Tokens> phrases;
    bool matchesNothing = false;  // a word with no tokens: FTS5's AND with an empty phrase matches no row
};

std::string_view textArg(sqlite3_value* value) {
    const auto* data = reinterpret_cast<const char*>(sqlite3_value_text(value));
    return data == nullptr ? std::string_view()
                           : std::string_view(data, static_cast<std::size_t>(sqlite3_value_bytes(value)));
}

void searchMatchUnguarded(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    if (argc != 1 + kColumns) {
        sqlite3_result_error(ctx, "obscura_search_match takes the words and five texts", -1);
        return;
    }
    const auto* tokenizer = static_cast<const Tokenizer*>(sqlite3_user_data(ctx));
    auto* query = static_cast<Query*>(sqlite3_get_auxdata(ctx, 0));
    if (query == nullptr) {
        auto made = std::make_unique<Query>();
        const std::string_view words = textArg(argv[0]);
        for (std::size_t at = 0; at <= words.size();) {
            std::size_t end = words.find('\n', at);
            if (end == std::string_view::npos) end = words.size();
            Tokens phrase;
            if (!tokenize(*tokenizer, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, words.substr(at, end - at), phrase)) {
                sqlite3_result_error_nomem(ctx);
                return;
            }
            if (phrase.size() == 0) made->matchesNothing = true;
            made->phrases.push_back(std::move(phrase));
            at = end + 1;
        }
        query = made.get();
        sqlite3_set_auxdata(ctx, 0, made.release(), [](void* p) { delete static_cast<Query*>(p); });
        // set_auxdata may have freed it at once (out of memory): ask again.
        query = static_cast<Query*>(sqlite3_get_auxdata(ctx, 0));
        if (query == nullptr) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
    }
    if (query->matchesNothing || query->phrases.empty()) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    // Columns are tokenized on demand, at most once each, and the row is refused at the first phrase no column has.
    Tokens columns[kColumns];
    bool done[kColumns] = {};
    for (const Tokens& phrase : query->phrases) {
        bool found = false;
        for (int c = 0; c < kColumns && !found; ++c) {
            if (!done[c]) {
                if (!tokenize(*tokenizer, FTS5_TOKENIZE_DOCUMENT, textArg(argv[1 + c]), columns[c])) {
                    sqlite3_result_error_nomem(ctx);
                    return;
                }
                done[c] = true;
            }
            found = containsPhrase(columns[c], phrase);
        }
        if (!found) {
            sqlite3_result_int(ctx, 0);
            return;
        }
    }
    sqlite3_result_int(ctx, 1);
}

// SQLite calls this from C: an allocation failure inside must end as SQLite's "out of memory", never unwind.
void searchMatch(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    try {
        searchMatchUnguarded(ctx, argc, argv);
    } catch (...) {
        sqlite3_result_error_nomem(ctx);
    }
}

fts5_api* fts5Api(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return nullptr;
    sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

}  // namespace

int registerSearchMatch(sqlite3* db) {
    fts5_api* api = fts5Api(db);
    if (api == nullptr) return SQLITE_ERROR;
    auto tokenizer = std::make_unique<Tokenizer>();
    void* context = nullptr;
    if (const int rc = api->xFindTokenizer(api, kTokenizerName, &context, &tokenizer->api); rc != SQLITE_OK) return rc;
    if (const int rc = tokenizer->api.xCreate(context, const_cast<const char**>(kTokenizerArgs),
                                              static_cast<int>(std::size(kTokenizerArgs)), &tokenizer->instance);
        rc != SQLITE_OK)
        return rc;
    // The tokenizer lives as long as the function: SQLite calls the destructor when the connection closes (or at
    // once, should registering fail).
    return sqlite3_create_function_v2(
        db, kSearchMatchFunction.data(), 1 + kColumns, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
        tokenizer.release(), searchMatch, nullptr, nullptr, [](void* p) { delete static_cast<Tokenizer*>(p); });
}

}  // namespace obscura::sqlite
