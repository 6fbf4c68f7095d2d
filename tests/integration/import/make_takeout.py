#!/usr/bin/env python3
"""Builds the fixtures of import_test.cpp in OUT (argv[1]) from photos made by vips and exiftool:

  OUT/tree/Takeout/Google Photos/...   a Google Takeout as Google writes it (JSON sidecars, cut names, album)
  OUT/takeout-001.zip                  the same tree zipped
  OUT/plain/<folder>/...               40 photos in two folders (album-from-folder, Ctrl-C half-way)
  OUT/hostile.zip                      path traversal, an absolute name, a symlink, a zip bomb, bad sidecars

Sidecar names follow Takeout's rules (takeout_sidecar.hpp): "<name>.json" or "<name>.supplemental-metadata.json",
the part before ".json" cut to 46 code points, "(1)" after the whole name.
"""
import json, os, subprocess, sys, zipfile

OUT = sys.argv[1]
TREE = os.path.join(OUT, "tree")
GP = os.path.join(TREE, "Takeout", "Google Photos")


def photo(path, seed, width=64, height=48):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    v = path + ".v"
    subprocess.run(["vips", "gaussnoise", v, str(width), str(height), "--mean", str(60 + seed), "--sigma",
                    str(10 + seed % 7)], check=True)
    subprocess.run(["vips", "jpegsave", v, path, "--Q", "80"], check=True)
    os.remove(v)


def json_name(media, counter="", supplemental=False):
    stem = media + (".supplemental-metadata" if supplemental else "")
    return stem[:46] + (f"({counter})" if counter else "") + ".json"


def sidecar(folder, media, title, taken, lat=0.0, lon=0.0, description="", favorited=None, counter="",
            supplemental=False, extra=None):
    body = {
        "title": title,
        "description": description,
        "imageViews": "3",
        "creationTime": {"timestamp": "1700000000", "formatted": "Nov 14, 2023, 10:13:20 PM UTC"},
        "photoTakenTime": {"timestamp": str(taken), "formatted": "ignored by readers"},
        "geoData": {"latitude": lat, "longitude": lon, "altitude": 0.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0},
        "geoDataExif": {"latitude": 0.0, "longitude": 0.0, "altitude": 0.0, "latitudeSpan": 0.0,
                        "longitudeSpan": 0.0},
        "url": "https://photos.google.com/photo/AF1Qip",
        "googlePhotosOrigin": {"mobileUpload": {"deviceType": "ANDROID_PHONE"}},
    }
    if favorited is not None:
        body["favorited"] = favorited
    body.update(extra or {})
    name = json_name(media, counter, supplemental)
    with open(os.path.join(folder, name), "w") as f:
        json.dump(body, f, indent=2)
    return name


def takeout():
    year = os.path.join(GP, "Photos from 2019")
    trip = os.path.join(GP, "Trip to Paris")
    # EXIF says 2001 and no place: the sidecar must win.
    photo(os.path.join(year, "IMG_0001.jpg"), 1)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-DateTimeOriginal=2001:01:01 10:00:00",
                    os.path.join(year, "IMG_0001.jpg")], check=True)
    sidecar(year, "IMG_0001.jpg", "IMG_0001.jpg", 1563100000, 48.8584, 2.2945, "Bastille day", favorited=True)
    photo(os.path.join(year, "IMG_0002.jpg"), 2)
    sidecar(year, "IMG_0002.jpg", "IMG_0002.jpg", 1563200000, supplemental=True)
    # Two files called IMG_0003.jpg in Google Photos: the second is IMG_0003(1).jpg ↔ IMG_0003.jpg(1).json.
    photo(os.path.join(year, "IMG_0003.jpg"), 3)
    sidecar(year, "IMG_0003.jpg", "IMG_0003.jpg", 1563300000)
    photo(os.path.join(year, "IMG_0003(1).jpg"), 4)
    sidecar(year, "IMG_0003.jpg", "IMG_0003.jpg", 1563400000, counter="1", description="the second one")
    # A long name: the media name cut to 47 + extension, its JSON to 46 + .json (the full name in "title").
    full = "Screenshot_20190801-123456_A_Rather_Long_Application_Name.jpg"
    cut = full[:47] + ".jpg"
    photo(os.path.join(year, cut), 5)
    sidecar(year, cut, full, 1564600000, supplemental=True)
    # An edited copy takes the original's JSON.
    photo(os.path.join(year, "IMG_0004.jpg"), 6)
    photo(os.path.join(year, "IMG_0004-edited.jpg"), 7)
    sidecar(year, "IMG_0004.jpg", "IMG_0004.jpg", 1563500000, 35.6586, 139.7454)
    # Trashed in Google Photos: not imported.
    photo(os.path.join(year, "IMG_0009.jpg"), 9)
    sidecar(year, "IMG_0009.jpg", "IMG_0009.jpg", 1563600000, extra={"trashed": True})
    # The album: its metadata.json, a photo also in the year folder (same bytes) and one of its own.
    os.makedirs(trip, exist_ok=True)
    with open(os.path.join(trip, "metadata.json"), "w") as f:
        json.dump({"title": "Trip to Paris", "description": "", "access": "protected",
                   "date": {"timestamp": "1563000000", "formatted": "Jul 13, 2019"}}, f)
    with open(os.path.join(year, "IMG_0001.jpg"), "rb") as src, open(os.path.join(trip, "IMG_0001.jpg"), "wb") as dst:
        dst.write(src.read())
    sidecar(trip, "IMG_0001.jpg", "IMG_0001.jpg", 1563100000, 48.8584, 2.2945, "Bastille day", favorited=True)
    photo(os.path.join(trip, "IMG_0010.jpg"), 10)
    sidecar(trip, "IMG_0010.jpg", "IMG_0010.jpg", 1563700000)
    with open(os.path.join(GP, "archive_browser.html"), "w") as f:
        f.write("<html><body>Google Photos</body></html>\n")
    with zipfile.ZipFile(os.path.join(OUT, "takeout-001.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for root, _, files in os.walk(TREE):
            for name in sorted(files):
                path = os.path.join(root, name)
                z.write(path, os.path.relpath(path, TREE))


def plain():
    base = os.path.join(OUT, "base.jpg")
    photo(base, 20, 160, 120)
    with open(base, "rb") as f:
        jpeg = f.read()
    # 40 distinct photos: the same picture with a different JPEG comment (COM segment) after the SOI marker.
    for i in range(40):
        folder = os.path.join(OUT, "plain", "Holidays" if i < 20 else "Garden")
        os.makedirs(folder, exist_ok=True)
        text = f"obscura import fixture {i}".encode()
        com = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
        with open(os.path.join(folder, f"P{i:03d}.jpg"), "wb") as f:
            f.write(jpeg[:2] + com + jpeg[2:])
    os.remove(base)


def hostile():
    good = os.path.join(OUT, "good.jpg")
    photo(good, 30)
    other = os.path.join(OUT, "other.jpg")
    photo(other, 31)
    with open(good, "rb") as f:
        jpeg = f.read()
    with open(other, "rb") as f:
        jpeg2 = f.read()
    folder = "Takeout/Google Photos/Photos from 2020/"
    with zipfile.ZipFile(os.path.join(OUT, "hostile.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(folder + "good.jpg", jpeg)
        # Impossible values: the photo is imported without them.
        z.writestr(folder + "good.jpg.json", json.dumps({"title": "good.jpg",
                                                          "photoTakenTime": {"timestamp": "99999999999999"},
                                                          "geoData": {"latitude": 123.0, "longitude": 500.0}}))
        z.writestr(folder + "other.jpg", jpeg2)
        z.writestr(folder + "other.jpg.json", "{ this is not json")
        z.writestr("../../escape.jpg", jpeg)
        z.writestr(folder + "../../../../escape2.jpg", jpeg)
        z.writestr(os.path.join(OUT, "absolute.jpg"), jpeg)
        link = zipfile.ZipInfo(folder + "link.jpg")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        z.writestr(link, "/etc/passwd")
        z.writestr(folder + "notes.txt", "not a photo\n")
        # A zip bomb: a real JPEG's start, then 200 MB of zeros (about 200 KB compressed).
        bomb = zipfile.ZipInfo(folder + "bomb.jpg")
        bomb.compress_type = zipfile.ZIP_DEFLATED
        with z.open(bomb, "w", force_zip64=True) as w:
            w.write(jpeg[:4096])
            zeros = bytes(1 << 20)
            for _ in range(200):
                w.write(zeros)
    os.remove(good)
    os.remove(other)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    takeout()
    plain()
    hostile()
