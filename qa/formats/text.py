"""Plain-text plans (.txt/.md): bytes to text, UTF-8 (with or without BOM) or GB18030/GBK.

The canonical text of a text file IS its decoded content, unchanged, so every stored offset into an
existing plan stays where it was; cleaning happens later (qa.clean) with an offset map back to it.
"""

from __future__ import annotations

import re
from pathlib import Path

from qa.formats import FormatError

_CJK = re.compile(r"[\u4e00-\u9fff]")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or GB18030/GBK; anything else is refused."""
    if not data.strip():
        raise FormatError(f"{path}: file is empty")
    if b"\x00" in data[:8192]:
        raise FormatError(f"{path}: binary file (contains NUL bytes), not a text document")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise FormatError(f"{path}: has a UTF-8 BOM but is not valid UTF-8 ({e.reason})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise FormatError(f"{path}: unknown encoding (not UTF-8, UTF-8 with BOM, GB18030 or GBK)") from None
    # GB18030 decodes many byte soups (Shift-JIS, Big5, Latin-1) into rare hanzi; real Chinese text is
    # mostly CJK, and nearly all of its hanzi are GB2312's 3755 common ones (lead bytes 0xB0-0xD7)
    hanzi = _CJK.findall(text)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n")
    if (controls or len(hanzi) < 0.3 * len(text.replace(" ", "").replace("\n", ""))
            or common_hanzi_share(hanzi) < 0.6):
        raise FormatError(f"{path}: unknown encoding (not UTF-8, UTF-8 with BOM, GB18030 or GBK)")
    return text, "gb18030"


def common_hanzi_share(hanzi: list[str]) -> float:
    """Share of characters in GB2312 level 1, the everyday hanzi (above 0.99 in every plan we have)."""
    common = sum(0xB0 <= c.encode("gb2312", "replace")[0] <= 0xD7 for c in hanzi)
    return common / len(hanzi) if hanzi else 0.0
