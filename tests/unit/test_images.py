"""A photo without what the camera wrote about it (domain/images.py): upright, same picture, nothing else."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageCms

from chalicelib.domain import images
from chalicelib.domain.files import REASONS


def encoded(image: Image.Image, kind: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **params)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_every_orientation_is_applied_to_the_pixels_and_the_tag_is_gone():
    base = Image.new("RGB", (30, 20), (0, 0, 255))
    base.paste((255, 0, 0), (0, 0, 10, 10))  # a red top-left corner, as the camera stored it
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        shown = opened(images.without_metadata(encoded(base, "JPEG", exif=exif, quality=95), "image/jpeg"))
        expected = (30, 20) if orientation <= 4 else (20, 30)
        assert shown.size == expected and not shown.getexif(), orientation


def test_a_palette_png_keeps_its_transparency_and_a_jpeg_its_colour_profile():
    palette = Image.new("P", (8, 8), 1)
    palette.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    cleaned = opened(images.without_metadata(encoded(palette, "PNG", transparency=0), "image/png"))
    assert cleaned.mode == "P" and cleaned.info.get("transparency") == 0
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = encoded(Image.new("RGB", (8, 8), (10, 200, 30)), "JPEG", icc_profile=profile, comment=b"rumah")
    cleaned = opened(images.without_metadata(photo, "image/jpeg"))
    assert cleaned.info.get("icc_profile") == profile and "comment" not in cleaned.info


def test_bytes_hidden_after_the_picture_are_not_kept():
    png = encoded(Image.new("RGB", (4, 4), (1, 2, 3)), "PNG") + b"PK\x03\x04 rahasia.zip"
    assert b"rahasia" not in images.without_metadata(png, "image/png")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64, "image/jpeg"),
        (encoded(Image.new("RGB", (64, 64), (9, 9, 9)), "PNG")[:60], "image/png"),  # cut short
    ],
)
def test_what_only_looks_like_a_picture_is_unreadable(data, kind):
    with pytest.raises(images.UnusableImage) as refused:
        images.without_metadata(data, kind)
    assert refused.value.reason == images.UNREADABLE and refused.value.reason in REASONS


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = encoded(Image.new("1", (10_000, 10_000)), "PNG")  # 100 million pixels in a few kilobytes
    assert len(bomb) < 100_000
    with pytest.raises(images.UnusableImage) as refused:
        images.without_metadata(bomb, "image/png")
    assert refused.value.reason == images.IMAGE_TOO_LARGE and refused.value.reason in REASONS
