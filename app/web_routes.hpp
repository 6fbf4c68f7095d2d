#pragma once
// The browser UI: static files built from web/ (see web/README.md), served by the server itself.
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {

class Router;

// <exedir>/../share/obscura/web (the build tree's and an install's layout); "" when no built UI is there.
std::string findWebRoot();

// The UI's pages (/, /trash, /photos/{id}, /s/{key}, …) answer index.html, uncached, under a strict
// Content-Security-Policy; /assets/… answers the hashed bundle files, cached for a year (gzip when accepted).
// Only these paths are taken: anything else, under /api above all, stays a JSON 404. With webRoot "" the
// pages answer a JSON 404 that says the UI was not built.
// mapTileUrl (server.mapTileUrl): its origin joins the policy's img-src so that the map page may load its tiles
// ("{s}." subdomain templates become "*.").
Status addWebRoutes(Router& router, const std::string& webRoot, const std::string& mapTileUrl = "");

// The Content-Security-Policy of the UI's pages for a tile URL template ("" = no map: images from us only).
std::string contentSecurityPolicy(const std::string& mapTileUrl);

}  // namespace obscura
