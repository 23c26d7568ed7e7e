"""Bytes to text for archived pages: the browser's (WHATWG) order, so Casebook quotes what a reader saw.

Order: byte-order mark, HTTP header charset, the page's own ``<meta charset>`` / ``<meta http-equiv>``
declaration, then detection (valid UTF-8, else windows-1252, the web's fallback for English pages).
w3lib's parts read the mark and the declarations, and treat latin-1 as windows-1252, as browsers do.

One departure, for quoting: a page labelled (or detected as) UTF-8 whose bytes are not all valid UTF-8
is usually an old page with some windows-1252 bytes pasted in. A browser shows U+FFFD there; we decode
those stray bytes as windows-1252 instead, so a curly quote stays a curly quote. Valid UTF-8 is unaffected.
Nothing here raises on bad bytes.

Extraction goes one step further than the browser (``repair_mojibake``): a page whose UTF-8 text was once
read as windows-1252 or latin-1 and written out again shows ``donâ€™t`` and ``Â£5m`` where the writer put
``don’t`` and ``£5m``. Quotes so written are neither found (their marks are garbled) nor fit to publish, and
the words are not found by a search, so the text is repaired by ftfy's ``fix_encoding``, which changes only
what it can show to be such a misreading. Likewise a page showing C1 control characters (U+0080-U+009F,
which stand for no text) was written in windows-1252 and carried to Unicode byte for byte: U+0092 is its
’, U+0093 its “, U+0097 its —. Read as controls they vanish ('Because we’re' read 'Because were'), so
they are read as those marks (ftfy's ``fix_c1_controls``), as HTML already reads ``&#146;``. The archived
original is never changed.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

import ftfy
import ftfy.fixes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, to_unicode

log = logging.getLogger(__name__)

_CP1252_REPAIR = "casebook-cp1252-repair"


def _cp1252_repair(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejected as windows-1252 (U+FFFD for the 5 bytes it leaves undefined)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error(_CP1252_REPAIR, _cp1252_repair)


def _detect(body: bytes) -> str:
    """No BOM, header or meta declaration: UTF-8 if the bytes are valid UTF-8, else windows-1252."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _meta_says_utf16(body: bytes, content_type: str | None) -> bool:
    """A ``<meta charset>`` naming UTF-16 with no BOM and no HTTP charset: browsers read such a page as
    UTF-8 (the meta tag itself could not have been read in UTF-16), and so do we."""
    if read_bom(body)[0] or http_content_type_encoding(content_type):
        return False
    declared = html_body_declared_encoding(body)
    return bool(declared) and codecs.lookup(declared).name.startswith("utf-16")


def _decoded(body: bytes, content_type: str | None) -> tuple[str, str]:
    """The encoding a browser takes and the text: a byte-order mark, then the HTTP charset, then the page's
    own ``<meta>``, then :func:`_detect`. Written out with w3lib's parts rather than through its
    ``html_to_unicode``, whose ``auto_detect_fun`` and ``default_encoding`` are deprecated from w3lib 2.6
    (its own guess by the URL's domain replaces them), so the reading does not change with w3lib's version."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return bom_encoding, to_unicode(body[len(bom) :], bom_encoding)
    encoding = http_content_type_encoding(content_type) or html_body_declared_encoding(body) or _detect(body)
    return encoding, to_unicode(body, encoding)


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode an HTML response body to text; never raises on undecodable bytes."""
    if not body:
        return ""
    if _meta_says_utf16(body, content_type):  # WHATWG: a page cannot declare itself UTF-16 in ASCII bytes
        content_type = "text/html; charset=utf-8"
    encoding, text = _decoded(body, content_type)
    if codecs.lookup(encoding).name == "utf-8" and "\ufffd" in text:
        bom_encoding, bom = read_bom(body)
        raw = body[len(bom) :] if bom_encoding and bom else body
        repaired = raw.decode("utf-8", errors=_CP1252_REPAIR)
        if repaired != text:
            log.warning("page declared as UTF-8 has invalid bytes: decoded those as windows-1252")
            text = repaired
    return text


def _continuations() -> str:
    """The characters a UTF-8 continuation byte (0x80-0xBF) becomes when read as windows-1252 or latin-1."""
    chars = {bytes([b]).decode("latin-1") for b in range(0x80, 0xC0)}
    chars |= {bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xC0)}
    return "".join(sorted(c for c in chars if c))


# A UTF-8 lead byte's character (Â-ô) followed by a continuation byte's: the trace every such misreading
# leaves. A cheap test on the whole page; ftfy decides whether anything is to be repaired ('café’s' is not).
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][" + re.escape(_continuations()) + "]")


# C1 control characters (U+0080-U+009F) stand for no text: a page showing one was written in windows-1252
# and carried to Unicode byte for byte ('we\x92re' for 'we’re').
_C1_CONTROL = re.compile("[\u0080-\u009f]")


def repair_mojibake(text: str) -> str:
    """The text with UTF-8 that was read as windows-1252 or latin-1 put back, and windows-1252's marks
    written as C1 control characters read as those marks (see the module docstring)."""
    fixed = text
    if _MOJIBAKE_HINT.search(text):
        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            log.info("text garbled by a wrong decoding somewhere before us (â€™ for ’): repaired")
    if _C1_CONTROL.search(fixed):
        fixed = ftfy.fixes.fix_c1_controls(fixed)
    return fixed


# Marks that never show between two letters and never part them: the soft hyphen (shown only where a line
# breaks), the word joiner and the zero-width no-break space; raw or as character references.
_INVISIBLE = "\u00ad\u2060\ufeff"
_WITHOUT_INVISIBLE = str.maketrans("", "", _INVISIBLE)
_INVISIBLE_REF = re.compile(r"&(?:shy|#0*173|#x0*ad|#0*8288|#x0*2060|#0*65279|#x0*feff);", re.IGNORECASE)


def as_read(text: str) -> str:
    """The text as a reader reads it: each letter in one form (Unicode's composed form, NFC) and no invisible
    mark inside a word.

    A word written with a combining mark ('A' + U+0308, as text pasted from a Mac carries it) looks the
    same as one written with the composed letter ('Ä'), and a word with a soft hyphen in it
    ('halbver&shy;daute') the same as one without, but a search for the word finds neither: the index's
    words are runs of word characters, and queries are read in the composed form. The archived original is
    never changed."""
    text = _INVISIBLE_REF.sub("", text)  # references first: a quick scan for '&'
    if text.isascii():  # an all-ASCII page has no other mark and no letter in two forms
        return text
    if any(mark in text for mark in _INVISIBLE):
        text = text.translate(_WITHOUT_INVISIBLE)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
