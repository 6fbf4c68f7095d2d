#include "mysql_url.hpp"

#include <charconv>
#include <optional>

namespace obscura::mysql {

namespace {

constexpr std::string_view kScheme = "mysql://";
constexpr std::string_view kShape = "expected mysql://user@host:3306/database (password in database.password)";
constexpr int kMaxTimeoutSeconds = 3600;

std::optional<int> hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return std::nullopt;
}

// %XX escapes, so a user name or password may hold '@', ':' or '/'.
std::optional<std::string> percentDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const auto high = hexValue(text[i + 1]);
        const auto low = hexValue(text[i + 2]);
        if (!high || !low) return std::nullopt;
        out += static_cast<char>(*high * 16 + *low);
        i += 2;
    }
    return out;
}

std::optional<int> parseInt(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return value;
}

bool validDatabaseName(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '$' || c == '-';
        if (!ok) return false;
    }
    return true;
}

Status applyOption(ConnectionSettings& settings, std::string_view key, std::string_view value,
                   const std::string& shown) {
    const auto seconds = [&](int& field) -> Status {
        const auto parsed = parseInt(value);
        if (!parsed || *parsed < 1 || *parsed > kMaxTimeoutSeconds) {
            return invalid("database.url '" + shown + "': " + std::string(key) + " must be 1.." +
                           std::to_string(kMaxTimeoutSeconds) + " seconds (got '" + std::string(value) + "')");
        }
        field = *parsed;
        return {};
    };
    if (key == "connectTimeout") return seconds(settings.connectTimeoutSeconds);
    if (key == "readTimeout") return seconds(settings.readTimeoutSeconds);
    if (key == "writeTimeout") return seconds(settings.writeTimeoutSeconds);
    if (key == "lockWaitTimeout") return seconds(settings.lockWaitTimeoutSeconds);
    if (key == "socket") {
        auto decoded = percentDecode(value);
        if (!decoded || decoded->empty() || decoded->front() != '/') {
            return invalid("database.url '" + shown + "': socket must be an absolute path");
        }
        settings.socket = std::move(*decoded);
        return {};
    }
    return invalid("database.url '" + shown + "': unknown option '" + std::string(key) +
                   "' (known: connectTimeout, readTimeout, writeTimeout, lockWaitTimeout, socket)");
}

}  // namespace

std::string ConnectionSettings::describe() const {
    const std::string shownHost = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return "mysql://" + user + "@" + (socket.empty() ? shownHost + ":" + std::to_string(port) : socket) + "/" +
           database;
}

std::string redactUrl(std::string_view url) {
    const auto schemeEnd = url.find("://");
    const std::size_t authorityStart = schemeEnd == std::string_view::npos ? 0 : schemeEnd + 3;
    const auto at = url.find('@', authorityStart);
    const auto slash = url.find('/', authorityStart);
    if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) return std::string(url);
    const auto colon = url.find(':', authorityStart);
    if (colon == std::string_view::npos || colon > at) return std::string(url);
    return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Expected<ConnectionSettings> parseConnectionSettings(const storage::StorageOptions& options) {
    const std::string shown = redactUrl(options.url);
    if (options.url.empty()) {
        return invalid("storage mysql: database.url is not set; " + std::string(kShape));
    }
    std::string_view url = options.url;
    if (url.substr(0, kScheme.size()) != kScheme) {
        return invalid("storage mysql: database.url '" + shown + "' does not start with mysql://; " +
                       std::string(kShape));
    }
    url.remove_prefix(kScheme.size());
    ConnectionSettings settings;

    std::string_view query;
    if (const auto mark = url.find('?'); mark != std::string_view::npos) {
        query = url.substr(mark + 1);
        url = url.substr(0, mark);
    }
    const auto slash = url.find('/');
    if (slash == std::string_view::npos) {
        return invalid("storage mysql: database.url '" + shown + "' names no database; " + std::string(kShape));
    }
    std::string_view authority = url.substr(0, slash);
    const std::string_view database = url.substr(slash + 1);
    if (!validDatabaseName(database)) {
        return invalid("storage mysql: database.url '" + shown +
                       "': the database name must be 1-64 of A-Z a-z 0-9 _ $ -");
    }
    settings.database = std::string(database);

    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return invalid("storage mysql: database.url '" + shown + "' names no user; " + std::string(kShape));
    }
    std::string_view userInfo = authority.substr(0, at);
    std::string_view hostPort = authority.substr(at + 1);
    std::optional<std::string> urlPassword;
    if (const auto colon = userInfo.find(':'); colon != std::string_view::npos) {
        urlPassword = percentDecode(userInfo.substr(colon + 1));
        if (!urlPassword) return invalid("storage mysql: database.url '" + shown + "': bad %-escape in the password");
        userInfo = userInfo.substr(0, colon);
    }
    auto user = percentDecode(userInfo);
    if (!user || user->empty()) {
        return invalid("storage mysql: database.url '" + shown + "': the user name is empty or badly %-escaped");
    }
    settings.user = std::move(*user);

    std::string_view portText;
    if (!hostPort.empty() && hostPort.front() == '[') {
        const auto close = hostPort.find(']');
        if (close == std::string_view::npos) {
            return invalid("storage mysql: database.url '" + shown + "': unclosed '[' in the host");
        }
        settings.host = std::string(hostPort.substr(1, close - 1));
        const auto rest = hostPort.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return invalid("storage mysql: database.url '" + shown + "': junk after ']'");
            portText = rest.substr(1);
        }
    } else if (const auto colon = hostPort.rfind(':'); colon != std::string_view::npos) {
        settings.host = std::string(hostPort.substr(0, colon));
        portText = hostPort.substr(colon + 1);
    } else {
        settings.host = std::string(hostPort);
    }
    if (!portText.empty() || hostPort.find(':') != std::string_view::npos) {
        const auto port = parseInt(portText);
        if (!port || *port < 1 || *port > 65535) {
            return invalid("storage mysql: database.url '" + shown + "': the port must be 1-65535");
        }
        settings.port = *port;
    }

    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) {
            return invalid("storage mysql: database.url '" + shown + "': option '" + std::string(pair) +
                           "' has no value");
        }
        OBSCURA_TRY_STATUS(applyOption(settings, pair.substr(0, eq), pair.substr(eq + 1), shown));
    }
    if (settings.host.empty() && settings.socket.empty()) {
        return invalid("storage mysql: database.url '" + shown + "' names no host; " + std::string(kShape));
    }
    if (settings.host.empty()) settings.host = "localhost";

    if (urlPassword && !options.password.empty()) {
        return invalid(
            "storage mysql: a password is given both in database.url and in database.password; keep "
            "only database.password");
    }
    settings.password = urlPassword ? *urlPassword : options.password;
    return settings;
}

}  // namespace obscura::mysql
