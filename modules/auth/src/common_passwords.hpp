#pragma once
#include <cstddef>
#include <string_view>

namespace obscura::auth {

// True for a password on a short list of the most used ones (from public breach corpora, those of 8 or more
// characters, since shorter ones are refused anyway), compared case-insensitively: "Password1" is as weak
// as "password1".
bool isCommonPassword(std::string_view password);

// The i-th entry of the list, "" past its end (for the unit test that checks the list itself).
std::string_view commonPasswordAt(std::size_t i);

}  // namespace obscura::auth
