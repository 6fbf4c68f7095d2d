#include "s3_xml.hpp"

#include <charconv>

#include "obscura/base/rfc3339.hpp"

namespace obscura::s3 {

std::string xmlDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out.push_back(text[i]);
            continue;
        }
        const std::size_t semi = text.find(';', i);
        if (semi == std::string_view::npos) {
            out.push_back('&');
            continue;
        }
        const std::string_view entity = text.substr(i + 1, semi - i - 1);
        if (entity == "amp") {
            out.push_back('&');
        } else if (entity == "lt") {
            out.push_back('<');
        } else if (entity == "gt") {
            out.push_back('>');
        } else if (entity == "quot") {
            out.push_back('"');
        } else if (entity == "apos") {
            out.push_back('\'');
        } else if (entity.size() > 1 && entity[0] == '#') {
            unsigned long cp = 0;
            const bool hex = entity[1] == 'x' || entity[1] == 'X';
            const std::string_view digits = entity.substr(hex ? 2 : 1);
            const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
            if (ec != std::errc() || end != digits.data() + digits.size() || cp > 0x10FFFF) {
                out.append(text.substr(i, semi - i + 1));
            } else if (cp < 0x80) {  // UTF-8 encode the code point
                out.push_back(static_cast<char>(cp));
            } else if (cp < 0x800) {
                out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else if (cp < 0x10000) {
                out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else {
                out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            }
        } else {
            out.append(text.substr(i, semi - i + 1));
        }
        i = semi;
    }
    return out;
}

std::string xmlEscape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

std::string xmlText(std::string_view xml, std::string_view tag, std::size_t from) {
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    const std::size_t start = xml.find(open, from);
    if (start == std::string_view::npos) return {};
    const std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos) return {};
    return xmlDecode(xml.substr(start + open.size(), end - start - open.size()));
}

ListResult parseListObjectsV2(std::string_view xml) {
    ListResult result;
    std::size_t pos = 0;
    while (true) {
        const std::size_t start = xml.find("<Contents>", pos);
        if (start == std::string_view::npos) break;
        const std::size_t end = xml.find("</Contents>", start);
        if (end == std::string_view::npos) break;
        const std::string_view item = xml.substr(start, end - start);
        ListedObject object;
        object.key = xmlText(item, "Key");
        const std::string size = xmlText(item, "Size");
        std::from_chars(size.data(), size.data() + size.size(), object.size);
        if (const auto us = parseRfc3339Us(xmlText(item, "LastModified"))) object.modifiedAt = *us / 1000000;
        result.objects.push_back(std::move(object));
        pos = end;
    }
    // <IsTruncated> sits before the first <Contents>; searching from 0 finds the bucket-level one.
    result.truncated = xmlText(xml, "IsTruncated") == "true";
    return result;
}

}  // namespace obscura::s3
