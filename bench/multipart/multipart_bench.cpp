// Throughput of the upload path's building blocks, outside any test:
//   1. the multipart parser alone, on content shaped to be easy and hard for its boundary scan;
//   2. parser → UploadTempFile (SHA-1 + write + fsync + rename) against `dd conv=fsync` of the same size,
//      in the same directory, in the same run — the ratio the upload target (≥ 0.8×) is about.
// Usage: obscura_bench_multipart [MiB for the parser runs, default 512] [dir for the disk run, default /tmp]
//        [MiB for the disk run, default 1024]. Build it Release: Debug numbers mean nothing.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "obscura/formats/multipart_parser.hpp"
#include "obscura/kernel/subprocess.hpp"
#include "upload/upload_temp_file.hpp"

using namespace obscura;
using namespace obscura::formats;
using obscura::images::UploadTempFile;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kChunk = 64 * 1024;  // about what an HTTP read delivers at a time
const std::string kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

struct CountingSink final : MultipartHandler {
    std::uint64_t bytes = 0;
    UploadTempFile* file = nullptr;
    Status onPartBegin(const PartInfo&) override { return {}; }
    Status onPartData(std::string_view b) override {
        bytes += b.size();
        return file ? file->write(b) : Status{};
    }
    Status onPartEnd() override { return {}; }
    Status onFinished() override { return {}; }
};

std::string pattern(const std::string& kind) {
    std::string block(kChunk, '\0');
    std::uint32_t x = 2463534242u;
    for (std::size_t i = 0; i < block.size(); ++i) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        block[i] = static_cast<char>(x);
    }
    if (kind == "all-CR") block.assign(kChunk, '\r');
    if (kind == "CRLF--") {  // the delimiter's fixed prefix, repeated
        block.clear();
        while (block.size() < kChunk) block += "\r\n--";
        block.resize(kChunk);
    }
    if (kind == "dashes") block.assign(kChunk, '-');  // the boundary's own filler character
    if (kind == "near-miss") {                        // a delimiter prefix missing its last character, over and over
        std::string miss = "\r\n--" + kBoundary.substr(0, kBoundary.size() - 1) + "X";
        block.clear();
        while (block.size() + miss.size() <= kChunk) block += miss;
    }
    if (kind == "text") {
        block.clear();
        while (block.size() < kChunk) block += "The quick brown fox jumps over the lazy dog.\r\n";
        block.resize(kChunk);
    }
    return block;
}

// Streams a body with one file part of `mib` MiB of `block`s through the parser; returns seconds.
double run(const std::string& block, std::size_t mib, CountingSink& sink) {
    auto parser = MultipartParser::create(kBoundary, sink);
    if (!parser) std::abort();
    std::string head = "--" + kBoundary +
                       "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"a.bin\"\r\n"
                       "Content-Type: application/octet-stream\r\n\r\n";
    std::string tail = "\r\n--" + kBoundary + "--\r\n";
    auto start = Clock::now();
    Status st = parser->feed(head);
    std::size_t blocks = mib * 1024 * 1024 / block.size();
    for (std::size_t i = 0; i < blocks && st.ok(); ++i) st = parser->feed(block);
    if (st.ok()) st = parser->feed(tail);
    if (st.ok()) st = parser->finish();
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    if (!st.ok()) {
        std::fprintf(stderr, "parse failed: %s\n", st.error().message.c_str());
        std::exit(1);
    }
    return secs;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 512;
    std::string dir = argc > 2 ? argv[2] : "/tmp";
    std::size_t diskMib = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1024;

    std::printf("parser alone, %zu MiB per run, %zu KiB chunks:\n", mib, kChunk / 1024);
    for (const char* kind : {"random", "text", "all-CR", "CRLF--", "dashes", "near-miss"}) {
        std::string block = pattern(kind);
        CountingSink sink;
        double best = 1e9;
        for (int rep = 0; rep < 3; ++rep) best = std::min(best, run(block, mib, sink));
        std::printf("  %-10s %8.0f MB/s\n", kind, static_cast<double>(mib) * 1048576.0 / best / 1e6);
    }

    std::printf("disk, %zu MiB in %s:\n", diskMib, dir.c_str());
    std::string tmp = dir + "/obscura-bench-tmp", lib = dir + "/obscura-bench-lib";
    std::filesystem::create_directories(tmp);
    std::filesystem::create_directories(lib);
    SubprocessOptions unlimited;
    unlimited.timeout = std::chrono::minutes(10);
    // Alternated and best-of-two, so that neither side pays alone for the other's write-back.
    double ddSecs = 1e9, upSecs = 1e9;
    for (int round = 0; round < 2; ++round) {
        auto ddStart = Clock::now();
        auto dd = runSubprocess({"dd", "if=/dev/zero", "of=" + dir + "/obscura-bench-dd.bin", "bs=1M",
                                 "count=" + std::to_string(diskMib), "conv=fsync"},
                                unlimited);
        ddSecs = std::min(ddSecs, std::chrono::duration<double>(Clock::now() - ddStart).count());
        std::filesystem::remove(dir + "/obscura-bench-dd.bin");
        if (!dd || !dd->succeeded()) {
            std::fprintf(stderr, "dd failed\n");
            return 1;
        }
        auto file = UploadTempFile::create(tmp);
        if (!file) return 1;
        CountingSink sink;
        sink.file = &*file;
        auto upStart = Clock::now();
        run(pattern("random"), diskMib, sink);
        auto committed = file->commit(lib, "bench.bin");
        upSecs = std::min(upSecs, std::chrono::duration<double>(Clock::now() - upStart).count());
        std::filesystem::remove(lib + "/bench.bin");
        if (!committed) {
            std::fprintf(stderr, "commit failed: %s\n", committed.error().message.c_str());
            return 1;
        }
    }
    std::filesystem::remove_all(tmp);
    std::filesystem::remove_all(lib);
    double ddRate = static_cast<double>(diskMib) * 1048576.0 / ddSecs / 1e6,
           upRate = static_cast<double>(diskMib) * 1048576.0 / upSecs / 1e6;
    std::printf("  dd bs=1M conv=fsync        %8.0f MB/s\n", ddRate);
    std::printf("  parser+SHA-1+write+fsync   %8.0f MB/s  (%.2fx dd)\n", upRate, upRate / ddRate);
    return 0;
}
