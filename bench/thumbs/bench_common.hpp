#pragma once
// Shared by the in-process thumbnail benchmarks: the file list, a fixed worker pool over it, timing.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace bench {

struct Args {
    std::string corpus, out;
    int workers = 2;      // files processed at once
    int vipsThreads = 1;  // libvips threads per pipeline
    int rounds = 3;
    std::vector<std::string> extra;  // program-specific flags
};

inline Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string k = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (k == "--corpus")
            a.corpus = next();
        else if (k == "--out")
            a.out = next();
        else if (k == "--workers")
            a.workers = std::max(1, std::atoi(next().c_str()));
        else if (k == "--vips-threads")
            a.vipsThreads = std::max(1, std::atoi(next().c_str()));
        else if (k == "--rounds")
            a.rounds = std::max(1, std::atoi(next().c_str()));
        else
            a.extra.push_back(k);
    }
    if (a.corpus.empty() || a.out.empty()) {
        std::fprintf(stderr, "usage: %s --corpus DIR --out DIR [--workers N] [--vips-threads T] [--rounds R]\n",
                     argv[0]);
        std::exit(2);
    }
    std::filesystem::create_directories(a.out);
    return a;
}

// The corpus' JPEGs (top level only: large/ holds links to the same files), sorted for a stable order.
inline std::vector<std::string> corpusFiles(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().extension() == ".jpg") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
        std::fprintf(stderr, "no .jpg files in %s (run /work/shared/corpus/make-corpus.sh %s)\n", dir.c_str(),
                     dir.c_str());
        std::exit(2);
    }
    return files;
}

// Runs job(i) for every file on `workers` threads; returns the wall time in seconds, or -1 if any job failed.
inline double runPool(std::size_t count, int workers, const std::function<bool(std::size_t)>& job) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) {
        pool.emplace_back([&] {
            for (std::size_t i; (i = next++) < count;) {
                if (!job(i)) failed = true;
            }
        });
    }
    for (auto& t : pool) t.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return failed ? -1 : seconds;
}

// One line per round and a summary line the run script parses:
// "RESULT <name> <images> <median s> <img/s> <peak RSS MiB>".
inline void report(const char* name, std::size_t images, std::vector<double> seconds) {
    std::sort(seconds.begin(), seconds.end());
    double median = seconds[seconds.size() / 2];
    for (double s : seconds) std::printf("round %s: %.3f s, %.2f img/s\n", name, s, images / s);
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    std::printf("RESULT %s %zu %.3f %.2f %ld\n", name, images, median, images / median, usage.ru_maxrss / 1024);
}

inline std::string stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

}  // namespace bench
