#pragma once
// Publisher confirms without amqp_publisher_confirm_wait (absent from librabbitmq 0.11): after confirm.select the
// broker numbers a channel's publishes 1, 2, 3, … and answers each with basic.ack or basic.nack, where `multiple`
// covers every tag up to the one given. This keeps the callbacks of unconfirmed publishes by tag and settles them
// as those frames arrive; a lost connection fails every one still waiting.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "obscura/bus/broker.hpp"

namespace obscura::bus::amqp {

class ConfirmTracker {
public:
    // The tag the next publish will get; call before publishing, then track() it.
    std::uint64_t nextTag() const { return next_; }
    // Records a publish that went out with nextTag().
    void track(Confirmed done);
    // basic.ack / basic.nack. Tags never published (or already settled) are ignored.
    void ack(std::uint64_t tag, bool multiple);
    void nack(std::uint64_t tag, bool multiple);
    // The connection (and so the channel's numbering) is gone: fail every waiting publish and start again at 1.
    void reset(std::string_view why);
    std::size_t waiting() const { return pending_.size(); }

private:
    void settle(std::uint64_t tag, bool multiple, bool ok, std::string_view why);

    std::uint64_t next_ = 1;
    std::map<std::uint64_t, Confirmed> pending_;
};

}  // namespace obscura::bus::amqp
