#pragma once
// One thread that runs short blocking tasks handed over by an HTTP I/O thread, which must never wait on the
// database or a blob store itself (a resumable upload's lease renewal, and what its sink does when the client
// vanishes: keep the bytes that arrived and give the lease back). Tasks run in order; stop() runs the ones queued
// and joins, so nothing handed over is lost at shutdown.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace obscura::images {

class BackgroundQueue {
public:
    BackgroundQueue() = default;
    ~BackgroundQueue() { stop(); }
    BackgroundQueue(const BackgroundQueue&) = delete;
    BackgroundQueue& operator=(const BackgroundQueue&) = delete;

    void start() {
        std::lock_guard lock(mutex_);
        if (thread_.joinable()) return;
        stopping_ = false;
        thread_ = std::thread([this] { run(); });
    }
    // Never blocks. Before start() or after stop(), the task runs at once on the caller's thread (tests, shutdown).
    void post(std::function<void()> task) {
        {
            std::lock_guard lock(mutex_);
            if (thread_.joinable() && !stopping_) {
                tasks_.push_back(std::move(task));
                wake_.notify_one();
                return;
            }
        }
        task();
    }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
            if (tasks_.empty()) return;  // stopping, and everything queued has run
            auto task = std::move(tasks_.front());
            tasks_.pop_front();
            lock.unlock();
            task();  // tasks catch their own errors (noexcept service calls)
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace obscura::images
