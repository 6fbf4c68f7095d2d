#!/usr/bin/python3
"""Writes a real DNG with tifffile (Debian's python3-tifffile), the test suite's DNG encoder: a 16-bit RGGB Bayer
mosaic of a smooth gradient in a sub-IFD, as cameras and Adobe's converter lay them out, and optionally IFD0 holding
a JPEG preview made by another tool (vips), the way cameras embed theirs.

    make_dng.py OUT.dng WIDTH HEIGHT [PREVIEW.jpg]
"""
import struct
import sys

import numpy as np
import tifffile


def _precompressed_only(*_args, **_kwargs):
    raise RuntimeError("the preview is written precompressed (a JPEG made by vips)")


# tifffile looks a codec up even for precompressed strips; the JPEG comes ready-made, nothing is encoded here.
tifffile.TIFF.COMPRESSORS._codecs[7] = _precompressed_only


def jpeg_size(jpg):
    i = 2
    while i + 9 < len(jpg):
        marker, length = jpg[i + 1], struct.unpack(">H", jpg[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", jpg[i + 5:i + 9])
            return width, height
        i += 2 + length
    raise ValueError("no SOF marker in the preview")


def main():
    out, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    preview = sys.argv[4] if len(sys.argv) > 4 else None
    y, x = np.mgrid[0:height, 0:width]
    mosaic = (200 + (x * 3000 // width) + (y * 500 // height)).astype(np.uint16)
    dng = [
        (50706, "B", 4, (1, 4, 0, 0), True),  # DNGVersion
        (50707, "B", 4, (1, 1, 0, 0), True),  # DNGBackwardVersion
        (50708, "s", 0, "Obscura TestCam", True),  # UniqueCameraModel
        (33421, "H", 2, (2, 2), True),  # CFARepeatPatternDim
        (33422, "B", 4, (0, 1, 1, 2), True),  # CFAPattern: RGGB
        (50717, "I", 1, 4095, True),  # WhiteLevel
        # ColorMatrix1: identity, as SRATIONALs
        (50721, "2i", 9, (10000, 10000, 0, 10000, 0, 10000, 0, 10000, 10000, 10000, 0, 10000, 0, 10000, 0, 10000,
                          10000, 10000), True),
        (50778, "H", 1, 21, True),  # CalibrationIlluminant1: D65
        (271, "s", 0, "Obscura", True),  # Make (exiftool rewrites it in the tests)
        (272, "s", 0, "TestCam", True),  # Model
    ]
    with tifffile.TiffWriter(out) as tw:
        if preview:
            jpg = open(preview, "rb").read()
            pw, ph = jpeg_size(jpg)
            tw.write(iter([jpg]), shape=(ph, pw, 3), dtype="uint8", photometric="ycbcr", compression=7,
                     rowsperstrip=ph, subfiletype=1, subifds=1, metadata=None, extratags=dng)
            tw.write(mosaic, photometric=32803, subfiletype=0, metadata=None)
        else:
            tw.write(mosaic, photometric=32803, metadata=None, extratags=dng)


if __name__ == "__main__":
    main()
