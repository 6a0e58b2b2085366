"""Receipts: PDF, JPEG or PNG, told by their content (never their name), size-limited; JPEG
metadata (EXIF: camera, place, time) is removed by writing the picture anew. Files live in
``COMPENSATION_RECEIPT_DIR`` under random names; nothing is written unless the whole upload is
accepted."""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
SUFFIX = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}


class ReceiptError(ValueError):
    """``str(error)``: ``missing``, ``too_large`` or ``type``."""


def directory() -> Path:
    configured = current_app.config.get("COMPENSATION_RECEIPT_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "compensation-receipts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_bytes() -> int:
    return int(current_app.config.get("COMPENSATION_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def kind_of(data: bytes) -> str | None:
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return PDF
    for kind, magic, name in ((JPEG, b"\xff\xd8\xff", "JPEG"), (PNG, b"\x89PNG\r\n\x1a\n", "PNG")):
        if data.startswith(magic):
            try:
                with Image.open(io.BytesIO(data)) as image:
                    image.verify()
                    if image.format == name:
                        return kind
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                return None
    return None


def without_metadata(data: bytes) -> bytes:
    """The JPEG drawn anew (turned as EXIF said), without EXIF, XMP, comments or ICC profile."""
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        pixels = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright
        # A new picture from the pixels alone: no info (EXIF, comment, ICC profile, XMP) comes along.
        clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def check(upload) -> tuple[bytes, str]:
    """The accepted content and its type, or ReceiptError. Reads at most the limit plus one byte."""
    if upload is None or not getattr(upload, "filename", ""):
        raise ReceiptError("missing")
    data = upload.stream.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise ReceiptError("too_large")
    if not data:
        raise ReceiptError("missing")
    kind = kind_of(data)
    if kind is None:
        raise ReceiptError("type")
    if kind == JPEG:
        data = without_metadata(data)
    return data, kind


def store(data: bytes, kind: str) -> str:
    """Write an accepted receipt; returns its file name."""
    name = secrets.token_hex(16) + SUFFIX[kind]
    target = directory() / name
    temporary = target.with_suffix(".part")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return name


def path_of(name: str) -> Path:
    return directory() / Path(name).name


def delete(name: str | None) -> None:
    if name:
        path_of(name).unlink(missing_ok=True)
