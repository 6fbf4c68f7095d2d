#include "amqp_session.hpp"

#include <amqp_tcp_socket.h>

namespace obscura::bus::amqp {

namespace {

constexpr amqp_channel_t kChannel = 1;

std::string text(amqp_bytes_t bytes) { return std::string(static_cast<const char*>(bytes.bytes), bytes.len); }

std::string replyText(const amqp_rpc_reply_t& reply) {
    switch (reply.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return "ok";
        case AMQP_RESPONSE_NONE:
            return "no reply";
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return amqp_error_string2(reply.library_error);
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
                const auto* m = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
                return "connection closed by the broker: " + std::to_string(m->reply_code) + " " + text(m->reply_text);
            }
            if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
                const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
                return "channel closed by the broker: " + std::to_string(m->reply_code) + " " + text(m->reply_text);
            }
            return "broker error (method " + std::to_string(reply.reply.id) + ")";
    }
    return "unknown reply";
}

struct timeval toTimeval(std::chrono::milliseconds ms) {
    struct timeval tv {};
    tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
    tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
    return tv;
}

}  // namespace

Status AmqpSession::check(amqp_rpc_reply_t reply, const std::string& what) {
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return {};
    broken_ = true;
    return unavailable("amqp " + settings_.describe() + ": " + what + ": " + replyText(reply));
}

Status AmqpSession::open(const std::string& instanceId) {
    close();
    conn_ = amqp_new_connection();
    amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
    if (socket == nullptr) return unavailable("amqp: cannot create a socket");
    auto timeout = toTimeval(std::chrono::seconds(2));
    // A broker that accepts but never answers (stopped, overloaded) must not hold the broker thread forever.
    amqp_set_handshake_timeout(conn_, &timeout);
    amqp_set_rpc_timeout(conn_, &timeout);
    if (int rc = amqp_socket_open_noblock(socket, settings_.host.c_str(), settings_.port, &timeout);
        rc != AMQP_STATUS_OK) {
        broken_ = true;
        return unavailable("amqp " + settings_.describe() + ": cannot connect: " + amqp_error_string2(rc));
    }
    OBSCURA_TRY_STATUS(check(amqp_login(conn_, settings_.vhost.c_str(), 0, 131072, settings_.heartbeatSeconds,
                                        AMQP_SASL_METHOD_PLAIN, settings_.user.c_str(), settings_.password.c_str()),
                             "login"));
    amqp_channel_open(conn_, kChannel);
    OBSCURA_TRY_STATUS(check(amqp_get_rpc_reply(conn_), "channel.open"));
    channelOpen_ = true;
    amqp_confirm_select(conn_, kChannel);
    OBSCURA_TRY_STATUS(check(amqp_get_rpc_reply(conn_), "confirm.select"));
    for (const auto* exchange : {&settings_.eventsExchange, &settings_.jobsExchange}) {
        amqp_exchange_declare(conn_, kChannel, amqp_cstring_bytes(exchange->c_str()), amqp_cstring_bytes("fanout"),
                              /*passive*/ 0, /*durable*/ 1, /*auto_delete*/ 0, /*internal*/ 0, amqp_empty_table);
        OBSCURA_TRY_STATUS(check(amqp_get_rpc_reply(conn_), "exchange.declare " + *exchange));
    }
    // One queue per replica, gone with its connection: a replica that comes back starts from the database's log.
    const std::string queue = settings_.eventsExchange + "." + instanceId;
    amqp_queue_declare(conn_, kChannel, amqp_cstring_bytes(queue.c_str()), /*passive*/ 0, /*durable*/ 0,
                       /*exclusive*/ 1, /*auto_delete*/ 1, amqp_empty_table);
    OBSCURA_TRY_STATUS(check(amqp_get_rpc_reply(conn_), "queue.declare"));
    for (const auto* exchange : {&settings_.eventsExchange, &settings_.jobsExchange}) {
        amqp_queue_bind(conn_, kChannel, amqp_cstring_bytes(queue.c_str()), amqp_cstring_bytes(exchange->c_str()),
                        amqp_empty_bytes, amqp_empty_table);
        OBSCURA_TRY_STATUS(check(amqp_get_rpc_reply(conn_), "queue.bind " + *exchange));
    }
    amqp_basic_consume(conn_, kChannel, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, /*no_local*/ 0,
                       /*no_ack*/ 1, /*exclusive*/ 1, amqp_empty_table);
    return check(amqp_get_rpc_reply(conn_), "basic.consume");
}

int AmqpSession::fd() const { return conn_ != nullptr ? amqp_get_sockfd(conn_) : -1; }

bool AmqpSession::hasBuffered() const {
    return conn_ != nullptr && (amqp_frames_enqueued(conn_) != 0 || amqp_data_in_buffer(conn_) != 0);
}

bool AmqpSession::publish(const BrokerMessage& message) {
    if (conn_ == nullptr) return false;
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_APP_ID_FLAG;
    props.delivery_mode = 2;  // persistent
    props.type = amqp_cstring_bytes(message.topic.c_str());
    props.app_id = amqp_cstring_bytes(message.origin.c_str());
    const std::string& exchange = message.topic == "wake" ? settings_.jobsExchange : settings_.eventsExchange;
    amqp_bytes_t body{message.body.size(), const_cast<char*>(message.body.data())};
    const bool ok = amqp_basic_publish(conn_, kChannel, amqp_cstring_bytes(exchange.c_str()), amqp_empty_bytes, 0, 0,
                                       &props, body) == AMQP_STATUS_OK;
    if (!ok) broken_ = true;
    return ok;
}

Status AmqpSession::handleFrame(const Handlers& handlers) {
    amqp_frame_t frame{};
    if (int rc = amqp_simple_wait_frame(conn_, &frame); rc != AMQP_STATUS_OK) {
        broken_ = true;
        return unavailable(std::string("amqp: connection lost: ") + amqp_error_string2(rc));
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) return {};
    switch (frame.payload.method.id) {
        case AMQP_BASIC_ACK_METHOD: {
            const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
            handlers.ack(ack->delivery_tag, ack->multiple != 0);
            return {};
        }
        case AMQP_BASIC_NACK_METHOD: {
            const auto* nack = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
            handlers.nack(nack->delivery_tag, nack->multiple != 0);
            return {};
        }
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD:
            broken_ = true;
            return unavailable("amqp: the broker closed the connection");
        default:
            return {};  // basic.return and the like: nothing to do
    }
}

Status AmqpSession::pump(const Handlers& handlers, std::chrono::milliseconds timeout) {
    if (conn_ == nullptr) return unavailable("amqp: not connected");
    amqp_maybe_release_buffers(conn_);
    auto tv = toTimeval(timeout);
    amqp_envelope_t envelope{};
    const amqp_rpc_reply_t res = amqp_consume_message(conn_, &envelope, &tv, 0);
    if (res.reply_type == AMQP_RESPONSE_NORMAL) {
        BrokerMessage message;
        const auto& props = envelope.message.properties;
        if (props._flags & AMQP_BASIC_TYPE_FLAG) message.topic = text(props.type);
        if (props._flags & AMQP_BASIC_APP_ID_FLAG) message.origin = text(props.app_id);
        message.body = text(envelope.message.body);
        amqp_destroy_envelope(&envelope);
        handlers.deliver(std::move(message));
        return {};
    }
    if (res.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
        if (res.library_error == AMQP_STATUS_TIMEOUT) return {};
        // Not a delivery: the frame was put back; a confirm (basic.ack/nack) or a close.
        if (res.library_error == AMQP_STATUS_UNEXPECTED_STATE) return handleFrame(handlers);
    }
    broken_ = true;
    return unavailable("amqp " + settings_.describe() + ": " + replyText(res));
}

void AmqpSession::close() {
    if (conn_ == nullptr) return;
    // A lost connection is only torn down: a polite close would wait for a broker that is not there.
    if (!broken_) {
        if (channelOpen_) amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
    }
    amqp_destroy_connection(conn_);
    conn_ = nullptr;
    channelOpen_ = false;
    broken_ = false;
}

}  // namespace obscura::bus::amqp
