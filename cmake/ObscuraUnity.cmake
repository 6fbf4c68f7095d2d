# Unity build (OBSCURA_UNITY_BUILD, used by the Dockerfile): CMake pastes up to 8 sources of a target into one
# translation unit, so two files of the same target that each define a file-local helper of the same name (in an
# anonymous namespace, or static) collide. These files are compiled on their own instead. A new collision shows
# up as "redefinition of ... obscura::...::{anonymous}::name" in a unity_N_cxx.cxx: rename the helper (best) or
# add its file here.
if(NOT OBSCURA_UNITY_BUILD)
    return()
endif()

function(obscura_unity_exclude target)
    if(TARGET ${target})
        list(TRANSFORM ARGN PREPEND "${PROJECT_SOURCE_DIR}/")
        set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
    endif()
endfunction()

# createRoute/listRoute/deleteRoute are also in admin_user_routes.cpp.
obscura_unity_exclude(obscura_auth modules/auth/src/api_key_routes.cpp)
# digits (conditional_request.cpp), isControl (asset_text.cpp), ownedAsset (asset_handler.cpp), trimBlank
# (conditional_request.cpp).
obscura_unity_exclude(obscura_images
    modules/images/src/exif_reader.cpp
    modules/images/src/rfc3339.cpp
    modules/images/src/utf8_text.cpp
    modules/images/src/download_handler.cpp
    modules/images/src/byte_range.cpp
    modules/images/src/multipart_parser.cpp)
# findOne is also in the auth repository.
obscura_unity_exclude(obscura_storage_sqlite plugins/storage-sqlite/sqlite_images_repository.cpp)
obscura_unity_exclude(obscura_storage_mysql plugins/storage-mysql/mysql_images_repository.cpp)
