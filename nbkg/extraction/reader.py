"""Reading one plain-text document, refusing what cannot be read faithfully.

Offsets in extractions and gold files are character positions in the text as read, so a
document is taken as UTF-8 exactly or not at all: no silent replacement characters, no
stripped markup. Each refusal says which file and what to do about it.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Larger texts are not press releases or project descriptions; refuse rather than stall.
MAX_BYTES = 2_000_000
_HTML = re.compile(r"<\s*(html|head|body|div|p|br|span|a\s|table|script|!doctype)\b", re.I)
_TAG = re.compile(r"<[^<>]{1,200}>")


class DocumentError(ValueError):
    """A document that cannot be read as plain UTF-8 text; the message names the file."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)


def read_document(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path``; DocumentError when it is missing, empty, too large, binary,
    not UTF-8 (naming the likely encoding) or an HTML page."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise DocumentError(path, f"cannot read it ({err.strerror or err})") from None
    if size > max_bytes:
        raise DocumentError(
            path, f"{size} bytes is over the limit of {max_bytes} bytes for one document"
        )
    data = path.read_bytes()
    return decode(path, data)


def decode(path: Path | str, data: bytes) -> str:
    if not data.strip():
        raise DocumentError(path, "the file is empty")
    if b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.05:
        raise DocumentError(path, "this is a binary file, not plain text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(path, _encoding_hint(data, err)) from None
    text = text.removeprefix("\ufeff")
    if _looks_like_html(text):
        raise DocumentError(
            path,
            "this looks like an HTML page; save it as plain text (offsets count characters "
            "of the text as given, so markup is not stripped silently)",
        )
    return text


def _control_ratio(data: bytes) -> float:
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 13))
    return controls / max(1, len(data))


def _encoding_hint(data: bytes, err: UnicodeDecodeError) -> str:
    line = data[: err.start].count(b"\n") + 1
    where = f"byte {err.start} (line {line})"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return f"not UTF-8 text: {where} is not valid UTF-8; convert the file to UTF-8"
    return (
        f"not UTF-8 text: {where} is not valid UTF-8, and the file reads as "
        f"Windows-1252 / Latin-1; convert it, e.g. `iconv -f windows-1252 -t utf-8`"
    )


def _looks_like_html(text: str) -> bool:
    head = text[:4000]
    return bool(_HTML.search(head)) and len(_TAG.findall(head)) >= 3
