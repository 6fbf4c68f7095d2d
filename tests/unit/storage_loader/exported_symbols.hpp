#pragma once
// The dynamic symbols a shared object defines (nm -D), for the plugins' "one exported symbol" checks.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace obscura::test {

inline std::vector<std::string> exportedSymbols(const std::string& library) {
    std::vector<std::string> symbols;
    const std::string command = "nm -D --defined-only --format=posix '" + library + "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> line{};
    while (fgets(line.data(), line.size(), pipe.get()) != nullptr) {
        std::string text(line.data());
        symbols.push_back(text.substr(0, text.find(' ')));
    }
    return symbols;
}

}  // namespace obscura::test
