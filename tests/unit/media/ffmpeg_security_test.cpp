// The security test: an HLS playlist and an ffconcat list pointing at a canary HTTP port and at a FIFO,
// handed to the runner as if they were MP4/MKV. The runner must fail without a connection to the canary and without
// opening the FIFO. Control runs of ffmpeg itself (auto-detected demuxer, looser whitelist) show that the canary and
// the FIFO do detect such accesses, so the zero counts prove the defence rather than luck.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "ffmpeg_runner.hpp"
#include "obscura/kernel/subprocess.hpp"
#include "test_support.hpp"

using namespace obscura::media;

namespace {

// A TCP listener on 127.0.0.1 that counts the connections it accepts.
class Canary {
public:
    Canary() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] {
            while (!stop_) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 10) == 1) {
                    int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                    if (c >= 0) {
                        ++count_;
                        ::close(c);
                    }
                }
            }
        });
    }
    ~Canary() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    int port() const { return port_; }
    int count() const { return count_; }

private:
    int fd_ = -1, port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> count_{0};
    std::thread thread_;
};

// A FIFO and a watcher that notices any reader: a reader blocks in open() until a writer appears, so polling for
// one with a non-blocking open of the write end (ENXIO while nobody reads) cannot miss it. The watcher then
// closes, giving the reader EOF.
class FifoWatch {
public:
    explicit FifoWatch(std::string path) : path_(std::move(path)) {
        REQUIRE(::mkfifo(path_.c_str(), 0600) == 0);
        thread_ = std::thread([this] {
            while (!stop_) {
                int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                if (fd >= 0) {
                    ++opened_;
                    ::close(fd);
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
    }
    ~FifoWatch() {
        stop_ = true;
        thread_.join();
    }
    int opened() const { return opened_; }

private:
    std::string path_;
    std::atomic<bool> stop_{false};
    std::atomic<int> opened_{0};
    std::thread thread_;
};

// ffmpeg run directly (not through the runner) for the control runs; bounded so a blocked ffmpeg cannot hang.
void control(const std::vector<std::string>& extra, const std::string& input) {
    std::vector<std::string> argv = {"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {"-i", input, "-t", "1", "-f", "null", "-"});
    obscura::SubprocessOptions o;
    o.timeout = std::chrono::seconds(5);
    auto r = obscura::runSubprocess(argv, o);
    REQUIRE(r.ok());
}

// Give a stray access (a late connect, an open in progress) time to show up before counting.
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(200)); }

}  // namespace

TEST_SUITE("media.ffmpeg_runner.security") {
    TEST_CASE("HLS and ffconcat files posing as MP4/MKV reach neither the network nor a FIFO") {
        obscura::test::TempDir dir;
        Canary canary;
        FifoWatch fifo(dir / "segment.ts");  // a media extension, so the HLS demuxer's extension check lets it through
        std::string url = "http://127.0.0.1:" + std::to_string(canary.port()) + "/x.ts";
        std::string fifoPath = dir / "segment.ts";
        auto hls = [](const std::string& target) {
            return "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n" +
                   target + "\n#EXT-X-ENDLIST\n";
        };
        auto concat = [](const std::string& target) { return "ffconcat version 1.0\nfile '" + target + "'\n"; };
        obscura::test::writeFile(dir / "http.m3u8", hls(url));
        obscura::test::writeFile(dir / "fifo.m3u8", hls(fifoPath));
        obscura::test::writeFile(dir / "http.ffconcat", concat(url));
        obscura::test::writeFile(dir / "fifo.ffconcat", concat(fifoPath));

        auto runnerOr = FfmpegRunner::create();
        REQUIRE(runnerOr.ok());
        const FfmpegRunner& runner = *runnerOr;
        for (const char* file : {"http.m3u8", "fifo.m3u8", "http.ffconcat", "fifo.ffconcat"}) {
            for (const char* claimed : {"mp4", "mov", "mkv", "webm"}) {
                std::string fileText = file;
                CAPTURE(fileText);
                std::string claimedText = claimed;
                CAPTURE(claimedText);
                std::string input = dir / file;
                CHECK_FALSE(runner.posterFrame(input, claimed, dir / "out.png").ok());
                CHECK_FALSE(runner.transcodeMp4(input, claimed, dir / "out.mp4").ok());
                CHECK_FALSE(runner.extractMp3(input, claimed, dir / "out.mp3").ok());
            }
        }
        settle();
        CHECK(canary.count() == 0);
        CHECK(fifo.opened() == 0);

        // Controls. ffmpeg's own defaults already stop part of this: a playlist read from a file inherits the
        // protocol whitelist "file,crypto,data" (no http), and the concat demuxer's safe=1 refuses URLs and absolute
        // paths. But `file` covers a FIFO — or any local file an attacker names: with the demuxer auto-detected,
        // the HLS playlist opens the FIFO even under `-protocol_whitelist file`. Only forcing the demuxer stops that.
        control({"-protocol_whitelist", "file"}, dir / "fifo.m3u8");
        settle();
        CHECK_MESSAGE(fifo.opened() >= 1, "auto-detected HLS should have opened the FIFO despite the whitelist");
        int afterHlsFifo = fifo.opened();
        control({"-safe", "0"}, dir / "fifo.ffconcat");
        settle();
        CHECK_MESSAGE(fifo.opened() > afterHlsFifo, "ffconcat with safe=0 should have opened the FIFO");

        // The canary answers as soon as a demuxer may follow URLs: auto-detected HLS with http allowed.
        control({"-protocol_whitelist", "file,http,tcp,crypto,data"}, dir / "http.m3u8");
        settle();
        CHECK_MESSAGE(canary.count() >= 1, "the canary must see a connection when the playlist may reach it");
        int afterHlsHttp = canary.count();
        control({"-safe", "0", "-protocol_whitelist", "file,http,tcp"}, dir / "http.ffconcat");
        settle();
        CHECK(canary.count() > afterHlsHttp);
        // With ffmpeg's defaults alone, http from a local playlist is refused (noted, and kept true by this check).
        int beforeDefaults = canary.count();
        control({}, dir / "http.m3u8");
        settle();
        CHECK(canary.count() == beforeDefaults);
    }
}
