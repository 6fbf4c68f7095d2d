#pragma once
#include <string>

#include "obscura/kernel/route.hpp"

namespace obscura::media {

struct Features {
    bool videoConversion = false;  // ffmpeg present
    bool audioExtraction = false;  // ffmpeg present: video → MP3
    bool email = false;            // media.smtp.host configured
    std::string mapTileUrl;        // server.mapTileUrl: the web UI's map tiles; "" = no map
};

// GET /api/server/features → what this server can do with media, so clients hide what it cannot.
Route featuresRoute(Features features);

}  // namespace obscura::media
