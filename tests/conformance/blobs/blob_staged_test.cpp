// Staged puts (blob_store.hpp, StagedPut): a file sent while it is still being written, then placed under its key.
// Run against every blob plugin; a store that does not stage answers nullptr and the caller put()s, which these
// cases do too, so the contract as a caller sees it holds everywhere. (On s3 the fixture's 5 MiB threshold and
// parts make the larger files here go up in parts while they grow.)
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "blob_backend.hpp"

using namespace obscura;
using namespace obscura::conformance;

namespace {

// Resident memory now (VmRSS), not the lifetime peak: earlier cases' peaks would hide this one's.
long rssKib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

// Bytes that differ along the way (a misplaced part shows), generated 1 MiB at a time.
std::string mib(std::uint64_t index) {
    std::string bytes(1 << 20, '\0');
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
        const std::uint64_t v = (index << 32) ^ (i * 0x9E3779B97F4A7C15ULL);
        bytes.replace(i, 8, reinterpret_cast<const char*>(&v), 8);
    }
    return bytes;
}

// Writes `mibs` MiB to a new temp file one MiB at a time, reporting each size to `staged` (when the store stages)
// as an upload does, with a pause now and then so a sender can run while the file grows.
std::string growFile(blobs::StagedPut* staged, std::uint64_t mibs, const std::string& path, long* peakRss = nullptr) {
    std::string written;
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    REQUIRE(fd >= 0);
    for (std::uint64_t i = 0; i < mibs; ++i) {
        const std::string chunk = mib(i);
        REQUIRE(::write(fd, chunk.data(), chunk.size()) == static_cast<ssize_t>(chunk.size()));
        if (mibs <= 32) written += chunk;
        if (staged != nullptr) staged->grown((i + 1) << 20);
        if (i % 4 == 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (peakRss != nullptr) *peakRss = std::max(*peakRss, rssKib());
    }
    ::close(fd);
    return written;
}

std::vector<std::string> allKeys(BlobFixture& f) {
    std::vector<std::string> keys;
    auto page = f.store().list("", "", 1000);
    REQUIRE(page.ok());
    for (const auto& e : page->entries) keys.push_back(e.key);
    return keys;
}

}  // namespace

TEST_SUITE("blobs.conformance") {
    TEST_CASE("a file staged while it is written reads back whole under its key, and nothing else is left") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto fixture = backend.fresh();
            REQUIRE(fixture.ok());
            BlobFixture& f = **fixture;
            for (const std::uint64_t mibs : {1ULL, 17ULL}) {  // under the threshold (one put) and in parts
                CAPTURE(mibs);
                const std::string path = writeTemp(f, "");
                auto staged = f.store().beginStagedPut(path, "", {"video/mp4"});
                REQUIRE(staged.ok());
                const std::string bytes = growFile(staged->get(), mibs, path);
                const std::string key = "library/u/2024/06/staged-" + std::to_string(mibs) + ".mp4";
                const Status stored = *staged ? (*staged)->commit(key, bytes.size()) : f.store().put(key, path, {});
                REQUIRE_MESSAGE(stored.ok(), (stored ? "" : stored.error().message));
                if (*staged) CHECK(std::filesystem::exists(path));  // the temp file stays the caller's
                std::filesystem::remove(path);
                staged->reset();

                auto reader = f.store().open(key, {});
                REQUIRE(reader.ok());
                CHECK((*reader)->info().size == bytes.size());
                auto back = readAll(**reader);
                REQUIRE(back.ok());
                CHECK((*back == bytes));
            }
            // Only the two keys: no staging object (nor, on s3, a pending upload, checked by the plugin's own tests).
            CHECK(allKeys(f) ==
                  std::vector<std::string>{"library/u/2024/06/staged-1.mp4", "library/u/2024/06/staged-17.mp4"});
        });
    }

    TEST_CASE("an aborted staged put leaves no object, and a large one is sent with bounded memory") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto fixture = backend.fresh();
            REQUIRE(fixture.ok());
            BlobFixture& f = **fixture;
            const std::string path = writeTemp(f, "");
            const long before = rssKib();
            long peak = before;
            {
                auto staged = f.store().beginStagedPut(path, "", {});
                REQUIRE(staged.ok());
                growFile(staged->get(), 64, path, &peak);
                if (*staged) (*staged)->abort();
            }  // destroyed without a commit: aborted too
#if !defined(__SANITIZE_ADDRESS__)
            CHECK(peak - before < 32 * 1024);  // 64 MiB written and sent: parts are read back from the file
#else
            (void)before;
#endif
            std::filesystem::remove(path);
            // The clean-up runs in the background: give it a moment before looking.
            std::vector<std::string> keys;
            for (int i = 0; i < 100; ++i) {
                keys = allKeys(f);
                if (keys.empty()) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            CHECK(keys.empty());
        });
    }
}
