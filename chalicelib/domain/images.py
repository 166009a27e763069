"""A photo without what the camera wrote about it: no EXIF, no GPS, no XMP, no comments or text chunks.

A phone photo carries the place it was taken (often the citizen's home), the camera's make, model
and serial number, and the time. None of it is evidence the agency needs, and an attachment is seen
by staff of several offices: so the stored file is the picture alone, decoded and encoded again
(never the bytes as uploaded, which may also hide data after the image's end). Pure: bytes in,
bytes out; Pillow is imported on use, so only the uploads consumer ever loads it.
"""

from __future__ import annotations

import io
import warnings

# Pixels we are ready to decode: 150 MB as RGB, about 400 MB at the peak while a photo taken sideways is
# turned (the uploads consumer has 1 GB: infra stack.py). A phone's photo has 12-50 million; a 5 MB file
# with far more is a "decompression bomb", not a photo.
MAX_PIXELS = 50_000_000
UNREADABLE, IMAGE_TOO_LARGE = "unreadable", "image_too_large"
# Kept: how the pixels are to be shown (the colour profile, a PNG's transparent colour). Nothing else.
_KEPT_INFO = ("icc_profile", "transparency")
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_REENCODED_JPEG_QUALITY = 90  # only when the original's own tables cannot be reused (see below)


class UnusableImage(Exception):
    """The file's first bytes said JPEG or PNG, but it is no picture we can clean: ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def is_image(content_type: str) -> bool:
    return content_type in _FORMATS


def without_metadata(data: bytes, content_type: str) -> bytes:
    """The same picture, upright, as a new JPEG or PNG carrying no metadata. Raises UnusableImage.

    The EXIF orientation is applied to the pixels first (``ImageOps.exif_transpose``): dropping the
    tag alone would show a photo taken sideways lying on its side. A JPEG is encoded again with its
    own quantisation tables and subsampling (``quality="keep"``), so it loses next to nothing; a PNG
    is lossless anyway.
    """
    from PIL import Image, ImageOps  # on use: only the uploads consumer decodes pictures

    kind = _FORMATS[content_type]
    try:
        with warnings.catch_warnings():  # Pillow only warns of a bomb below twice its limit: refuse it here
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
        with image:
            if image.width * image.height > MAX_PIXELS:
                raise UnusableImage(IMAGE_TOO_LARGE)
            ImageOps.exif_transpose(image, in_place=True)  # loads the pixels, then turns them upright
            image.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
            out = io.BytesIO()
            if kind == "JPEG":
                # "keep" reuses the original's tables; it needs a plain JPEG (a multi-picture MPO is not).
                quality = "keep" if image.format == "JPEG" else _REENCODED_JPEG_QUALITY
                image.save(out, "JPEG", quality=quality, icc_profile=image.info.get("icc_profile"))
            else:
                image.save(out, "PNG")  # one frame; transparency and colour profile come from info
            return out.getvalue()
    except UnusableImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnusableImage(IMAGE_TOO_LARGE) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError):
        # Pillow's ways of saying "truncated", "corrupt" or "not really this format".
        raise UnusableImage(UNREADABLE) from None
