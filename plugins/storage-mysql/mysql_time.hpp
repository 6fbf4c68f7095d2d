#pragma once
// RFC 3339 text <-> UTC microseconds. One implementation for both plugins (CMakeLists.txt compiles the SQLite
// plugin's sqlite_time.cpp into this one too), so a time parses and formats identically whichever stores it.
#include "sqlite_time.hpp"

namespace obscura::mysql {

using sqlite::formatRfc3339Us;
using sqlite::parseRfc3339Us;

}  // namespace obscura::mysql
