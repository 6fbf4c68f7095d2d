// Listing at a million assets, measured at the storage API (not a test). Loads the SQLite plugin the way the
// server does (dlopen, ABI check), fills one owner's library up to --count rows in ONE transaction through
// the repository's createAsset (a cached prepared statement; the search index, tags and usage triggers run
// as they would for uploads), then times keyset pages of 100 deep in the list.
// Usage: obscura_bench_listing --plugin-dir DIR --data-dir DIR --owner USER_ID [--count N] [--runs N]
//                              [--partners ID,ID,…] [--plugin mysql --url mysql://USER@HOST:PORT/DB]
//                              [--collect-keys 1]  (a library filled elsewhere: its keys are read back, not
//                              regenerated)
// The owner must exist (register it through the server first: rows reference users). With --partners the --count
// assets are dealt round-robin to the owner and the partners (who must exist too), and the pages timed are the
// owner's timeline with the partners' libraries merged in (AssetFilter::partnerIds), as withPartners=true reads.
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "obscura/storage/plugin_abi.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string pluginDir, dataDir, owner;
    std::string plugin = "sqlite", url;  // --plugin mysql --url mysql://… (password from OBSCURA_DATABASE_PASSWORD)
    std::vector<std::string> partners;
    long count = 1000000;
    bool collectKeys = false;  // --collect-keys 1: the library was filled by another tool; read its keys back
    int runs = 500;
};

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "listing_bench: %s\n", message.c_str());
    std::exit(1);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        const std::string value = argv[i + 1];
        if (key == "--plugin-dir")
            o.pluginDir = value;
        else if (key == "--data-dir")
            o.dataDir = value;
        else if (key == "--plugin")
            o.plugin = value;
        else if (key == "--url")
            o.url = value;
        else if (key == "--owner")
            o.owner = value;
        else if (key == "--count")
            o.count = std::stol(value);
        else if (key == "--collect-keys")
            o.collectKeys = value == "1";
        else if (key == "--runs")
            o.runs = std::stoi(value);
        else if (key == "--partners")
            for (std::size_t at = 0; at <= value.size();) {
                const auto comma = std::min(value.find(',', at), value.size());
                if (comma > at) o.partners.push_back(value.substr(at, comma - at));
                at = comma + 1;
            }
        else
            die("unknown option " + key);
    }
    if (o.pluginDir.empty() || o.dataDir.empty() || o.owner.empty())
        die("--plugin-dir, --data-dir and --owner are required");
    return o;
}

std::unique_ptr<storage::Storage> openStorage(const Options& o) {
    const std::string path = o.pluginDir + "/obscura_storage_" + o.plugin + ".so";
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) die(std::string("dlopen: ") + dlerror());
    auto* entry = reinterpret_cast<const obscura_storage_plugin_v1* (*)()>(dlsym(handle, OBSCURA_STORAGE_ENTRY_SYMBOL));
    if (entry == nullptr || entry()->abi_version != storage::kStorageAbiVersion) die("plugin ABI mismatch");
    storage::StorageOptions options;
    options.dataDir = o.dataDir;
    options.url = o.url;
    if (const char* password = std::getenv("OBSCURA_DATABASE_PASSWORD")) options.password = password;
    auto opened = entry()->factory->open(options);
    if (!opened) die(opened.error().message);
    for (const auto& m : (*opened)->knownMigrations())
        if (auto migrated = (*opened)->migrate(m.module); !migrated) die(migrated.error().message);
    return std::move(*opened);
}

std::string hexId(std::mt19937_64& rng, int digits) {
    static const char* kHex = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < digits; ++i) s += kHex[rng() & 15];
    return s;
}

std::string uuid(std::mt19937_64& rng) {
    std::string h = hexId(rng, 32);
    h[12] = '4';
    h[16] = "89ab"[rng() & 3];
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string utcText(std::int64_t us) {
    const std::time_t seconds = static_cast<std::time_t>(us / 1000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

struct Key {
    std::int64_t takenAtUs;
    std::string id;
    bool operator>(const Key& o) const { return std::tie(takenAtUs, id) > std::tie(o.takenAtUs, o.id); }
};

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    auto storage = openStorage(o);

    storage::AssetUsage usage;
    if (auto s = storage->run([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY(u, r.images().usage(o.owner, "2000-01"));
            usage = u;
            return {};
        });
        !s)
        die(s.error().message);

    // Deterministic content: the same seed gives the same library, so a second run over a filled library can
    // recompute the keys without reading them back.
    std::vector<std::string> owners{o.owner};
    owners.insert(owners.end(), o.partners.begin(), o.partners.end());
    const long ownCount = (o.count + static_cast<long>(owners.size()) - 1) / static_cast<long>(owners.size());
    if (usage.assets != 0 && usage.assets != ownCount && !o.collectKeys)
        die("the owner has " + std::to_string(usage.assets) + " assets; start from 0 or from --count");
    std::mt19937_64 rng(20240501);
    const std::int64_t start = 1262304000LL * 1000000;       // 2010-01-01
    const std::int64_t span = 15LL * 365 * 86400 * 1000000;  // fifteen years of photos
    const auto generate = [&](long i) {
        storage::AssetRecord a;
        a.id = uuid(rng);
        a.ownerId = owners[static_cast<std::size_t>(i) % owners.size()];
        a.takenAtUs = start + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span));
        const std::uint64_t dice = rng() % 100;
        a.type = dice < 10 ? "video" : "image";
        a.mimeType = dice < 10 ? "video/mp4" : "image/jpeg";
        a.originalFileName = "IMG_" + std::to_string(i) + (dice < 10 ? ".MP4" : ".JPG");
        a.sizeBytes = 2000000 + static_cast<std::int64_t>(rng() % 4000000);
        a.checksum = hexId(rng, 40);
        a.width = 4032;
        a.height = 3024;
        a.takenAt = utcText(a.takenAtUs);
        a.createdAt = a.updatedAt = "2024-05-01T12:00:00Z";
        a.createdAtUs = 1714564800LL * 1000000;
        a.isFavorite = dice % 20 == 0;
        a.isArchived = dice == 99;
        if (dice < 3) a.tags = {"beach", "family"};
        a.exif = R"({"make":"Canon","model":"EOS R5"})";
        a.storagePath =
            "library/" + a.ownerId + "/" + a.takenAt.substr(0, 4) + "/" + a.takenAt.substr(5, 2) + "/" + a.id + ".jpg";
        return a;
    };
    std::vector<Key> keys;
    keys.reserve(static_cast<std::size_t>(o.count));
    if (usage.assets == 0) {
        const auto insertStart = Clock::now();
        auto status = storage->transaction([&](storage::Repositories& r) -> Status {
            for (long i = 0; i < o.count; ++i) {
                const auto a = generate(i);
                if (!a.isArchived) keys.push_back({a.takenAtUs, a.id});
                OBSCURA_TRY_STATUS(r.images().createAsset(a));
            }
            return {};
        });
        if (!status) die(status.error().message);
        const double seconds = std::chrono::duration<double>(Clock::now() - insertStart).count();
        std::printf("inserted %ld assets in one transaction: %.1f s (%.0f rows/s)\n", o.count, seconds,
                    static_cast<double>(o.count) / seconds);
    } else if (o.collectKeys) {
        // Filled elsewhere (say, by SQL straight into the database, far faster on a loaded machine): the default
        // listing's keys, read back page by page through the same API.
        storage::AssetQuery all;
        all.filter.ownerId = o.owner;
        all.filter.archived = false;
        all.limit = 500;
        for (bool more = true; more;) {
            storage::AssetPage page;
            auto s = storage->run([&](storage::Repositories& r) -> Status {
                OBSCURA_TRY(p, r.images().listAssets(all));
                page = std::move(p);
                return {};
            });
            if (!s) die(s.error().message);
            for (const auto& a : page.items) keys.push_back({a.takenAtUs, a.id});
            more = page.hasMore && !page.items.empty();
            if (more) all.after = storage::AssetCursor{page.items.back().takenAtUs, page.items.back().id};
        }
        std::printf("library already holds %lld assets; %zu keys read back\n", static_cast<long long>(usage.assets),
                    keys.size());
    } else {
        for (long i = 0; i < o.count; ++i) {
            const auto a = generate(i);
            if (!a.isArchived) keys.push_back({a.takenAtUs, a.id});
        }
        std::printf("library already holds %lld assets\n", static_cast<long long>(usage.assets));
    }

    // The cursor that a client reaches after paging 90% of the way down the (newest-first) list.
    std::sort(keys.begin(), keys.end(), [](const Key& x, const Key& y) { return x > y; });
    const std::size_t depth = keys.size() * 9 / 10;
    storage::AssetQuery query;
    query.filter.ownerId = o.owner;
    query.filter.archived = false;  // the default listing; `keys` holds exactly its rows
    query.filter.partnerIds = o.partners;
    query.limit = 100;
    query.after = storage::AssetCursor{keys[depth].takenAtUs, keys[depth].id};

    const auto timePages = [&](const char* label, const storage::AssetQuery& q, bool verify) {
        std::vector<double> ms;
        for (int run = 0; run < o.runs; ++run) {
            storage::AssetPage page;
            const auto t0 = Clock::now();
            auto s = storage->run([&](storage::Repositories& r) -> Status {
                OBSCURA_TRY(p, r.images().listAssets(q));
                page = std::move(p);
                return {};
            });
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            if (!s) die(s.error().message);
            if (verify && run == 0) {
                if (page.items.size() != 100) die("deep page has " + std::to_string(page.items.size()) + " items");
                for (std::size_t i = 0; i < page.items.size(); ++i)
                    if (page.items[i].id != keys[depth + 1 + i].id)
                        die("deep page out of order at item " + std::to_string(i));
            }
        }
        std::printf("%-46s median %.3f ms  p99 %.3f ms  max %.3f ms  (%d runs)\n", label, percentile(ms, 0.5),
                    percentile(ms, 0.99), percentile(ms, 1.0), o.runs);
    };
    timePages("keyset page of 100 at 90% depth (default):", query, true);
    if (!o.partners.empty()) {
        auto first = query;
        first.after.reset();
        timePages("first page of 100 (default):", first, false);
        return 0;  // the other shapes are the single-owner bench's
    }
    const auto defaults = query;
    auto either = query;
    either.filter.archived.reset();
    timePages("keyset page of 100 at 90% depth (archived too):", either, false);
    auto first = defaults;
    first.after.reset();
    timePages("first page of 100 (default):", first, false);
    auto favorites = defaults;
    favorites.filter.favorite = true;
    timePages("keyset page of 100 at 90% depth (favorites):", favorites, false);
    auto tagged = defaults;
    tagged.filter.tag = "beach";
    timePages("keyset page of 100 at 90% depth (tag):", tagged, false);
    auto search = first;
    search.filter.q = "img_12345";  // 11 matches among a million IMG_… names
    timePages("search 'img_12345' (rare), first page:", search, false);
    search.filter.q = "beach";  // 3 % of the library
    timePages("search 'beach' (3%), first page:", search, false);
    search.filter.q = "canon";  // every asset
    timePages("search 'canon' (all), first page:", search, false);
    return 0;
}
