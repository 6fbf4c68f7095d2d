#include "raw_renderer.hpp"

#include <unistd.h>

#include <filesystem>

#include "obscura/kernel/subprocess.hpp"

namespace obscura::media {

namespace {

constexpr rlim_t kMaxOutputBytes = rlim_t{1} << 30;  // a full-size 8-bit decode of a 100 MP sensor is 300 MB

std::string lastLine(const std::string& text) {
    std::string s = text;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    if (auto nl = s.rfind('\n'); nl != std::string::npos) s = s.substr(nl + 1);
    if (s.size() > 300) s.resize(300);
    return s;
}

std::string firstLine(std::string s) {
    if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
    if (s.size() > 300) s.resize(300);
    return s;
}

}  // namespace

RawRenderer::RawRenderer(std::string helper, std::chrono::seconds timeout)
    : helper_(std::move(helper)), timeout_(timeout) {}

Expected<std::string> RawRenderer::findRawHelper() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto beside = self.parent_path() / "obscura-raw";
        if (::access(beside.c_str(), X_OK) == 0) return beside.string();
    }
    auto onPath = findExecutableOnPath("obscura-raw", "/usr/local/bin:/usr/bin:/bin");
    if (!onPath) return unavailable("obscura-raw (the camera RAW decoder) is not installed beside the server");
    return onPath;
}

Expected<RawRendition> RawRenderer::render(const std::string& original, const std::string& workDir, bool full,
                                           int minSide, std::function<bool()> cancelRequested) const {
    std::vector<std::string> argv = {helper_, full ? "full" : "preview", original, workDir};
    if (!full) argv.push_back(std::to_string(minSide));
    SubprocessOptions options;
    options.timeout = timeout_;
    options.cpuSeconds = static_cast<rlim_t>(timeout_.count());
    options.fileSizeBytes = kMaxOutputBytes;
    options.maxStdoutBytes = 256;
    options.cancelRequested = std::move(cancelRequested);
    OBSCURA_TRY(result, runSubprocess(argv, options));
    if (result.cancelled) return unavailable("the RAW decode was cancelled");
    if (!result.succeeded()) {
        std::string why = lastLine(result.errTail);  // ours; libraw's own lines name the file's path
        if (why.empty()) why = result.describe();
        return Error(ErrorCode::Invalid, "cannot decode the camera RAW file: " + why, "undecodable");
    }
    RawRendition out;
    if (result.out.rfind("embedded ", 0) == 0) {
        out.path = workDir + "/embedded.jpg";
        out.kind = ImageKind::Jpeg;
        out.orientation = std::atoi(result.out.c_str() + 9);
        if (out.orientation < 1 || out.orientation > 8) out.orientation = 1;
    } else if (result.out.rfind("decoded", 0) == 0) {
        out.path = workDir + "/decoded.tiff";
        out.kind = ImageKind::Tiff;
    } else {
        return internalError("obscura-raw answered '" + firstLine(result.out) + "'");
    }
    return out;
}

}  // namespace obscura::media
