"""HTTP content-codings: the ones the crawler asks for are exactly the ones Casebook can undo.

Responses are archived as received, still content-encoded; every reader of the archive (ingest, the
archived copy, the crawler's own checks on a body) decodes them here, through one seam, rather than
through warcio's ``content_stream()``: warcio 1.7-1.8 sets an attribute on ``brotli.Decompressor`` that
Google's brotli 1.2 (a C type) does not allow, so every brotli record failed, and it has no zstd at all.

Codings: ``gzip`` (and ``x-gzip``), ``deflate`` (zlib-wrapped, or raw as some servers send it), ``br``
(Google's ``brotli``) and ``zstd`` (``compression.zstd``, or ``backports.zstd`` before Python 3.14), each
stacked in the order the ``Content-Encoding`` header lists. A coding whose library is missing is neither
advertised nor decoded (:data:`ACCEPTED`); decoding output is bounded so a small body cannot inflate
without limit. A stream that ends early yields what it held (as browsers show a page cut short); bytes
that are not the coding they claim raise :class:`UndecodableBody`.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from io import BytesIO

log = logging.getLogger(__name__)

MAX_DECODED_BYTES = 1 << 30  # as the archive's largest readable record
CHUNK = 1 << 16
IDENTITY = ("", "identity", "none")


class UndecodableBody(ValueError):
    """The body is not what its Content-Encoding says, or names a coding Casebook cannot undo."""


class UnsupportedCoding(UndecodableBody):
    """A coding whose decoder is not installed (or not known): fixable by installing it, so retried."""


class BodyTooLarge(UndecodableBody):
    """Decoding would give more than the limit."""


Decoder = Callable[[bytes, int], tuple[bytes, bool]]  # (body, limit) -> (decoded, complete)
# A decoder stops as soon as its output passes ``limit`` (returning those bytes): a small body cannot make
# it allocate without bound. ``complete`` is False when the stream ended early.


def _zlib(body: bytes, limit: int, wbits: int) -> tuple[bytes, bool]:
    inflater = zlib.decompressobj(wbits)
    out = BytesIO()
    data = body
    while data and not inflater.eof and out.tell() <= limit:
        out.write(inflater.decompress(data, CHUNK))
        data = inflater.unconsumed_tail
    if inflater.eof and out.tell() <= limit and inflater.unused_data.startswith(b"\x1f\x8b"):
        rest, complete = _zlib(inflater.unused_data, limit - out.tell(), wbits)  # concatenated members
        return out.getvalue() + rest, complete
    return out.getvalue(), inflater.eof


def _gzip(body: bytes, limit: int) -> tuple[bytes, bool]:
    return _zlib(body, limit, 16 + zlib.MAX_WBITS)


def _deflate(body: bytes, limit: int) -> tuple[bytes, bool]:
    try:
        return _zlib(body, limit, zlib.MAX_WBITS)
    except zlib.error:
        return _zlib(body, limit, -zlib.MAX_WBITS)  # raw deflate, as some servers send it


def _brotli_decoder() -> Decoder | None:
    try:
        import brotli
    except ImportError:
        return None

    def decode(body: bytes, limit: int) -> tuple[bytes, bool]:
        # brotli >= 1.2: process() bounded by output_buffer_limit, then fed no input until it is done
        decompressor = brotli.Decompressor()
        out = BytesIO()
        out.write(decompressor.process(body, output_buffer_limit=CHUNK))
        while not decompressor.is_finished() and out.tell() <= limit:
            chunk = decompressor.process(b"", output_buffer_limit=CHUNK)
            if not chunk:
                break  # the stream ends early
            out.write(chunk)
        return out.getvalue(), decompressor.is_finished()

    return decode


def _zstd_decoder() -> Decoder | None:
    try:
        from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+
    except ImportError:
        try:
            from backports import zstd  # type: ignore[import-not-found,no-redef]
        except ImportError:
            return None

    def decode(body: bytes, limit: int) -> tuple[bytes, bool]:
        reader = zstd.ZstdFile(BytesIO(body))  # every frame, read as a file in bounded chunks
        out = BytesIO()
        while out.tell() <= limit:
            try:
                chunk = reader.read(CHUNK)
            except EOFError:
                return out.getvalue(), False
            if not chunk:
                return out.getvalue(), True
            out.write(chunk)
        return out.getvalue(), True

    return decode


def _decoders() -> dict[str, Decoder]:
    found: dict[str, Decoder] = {"gzip": _gzip, "x-gzip": _gzip, "deflate": _deflate}
    for name, make in (("br", _brotli_decoder), ("zstd", _zstd_decoder)):
        decoder = make()
        if decoder is not None:
            found[name] = decoder
    return found


DECODERS: dict[str, Decoder] = _decoders()
ACCEPTED: tuple[str, ...] = tuple(c for c in ("gzip", "deflate", "br", "zstd") if c in DECODERS)


def accept_encoding() -> str:
    """The ``Accept-Encoding`` the crawler sends: exactly the codings :func:`decode_body` undoes."""
    return ", ".join(ACCEPTED)


def codings(content_encoding: str | None) -> list[str]:
    """The codings a ``Content-Encoding`` value lists, in the order they were applied (identity dropped)."""
    listed = (c.strip().lower() for c in (content_encoding or "").split(","))
    return [c for c in listed if c not in IDENTITY]


def decode_body(
    body: bytes, content_encoding: str | None, limit: int = MAX_DECODED_BYTES, *, prefix: bool = False
) -> bytes:
    """Undo ``content_encoding`` (the last coding applied first).

    More than ``limit`` bytes raises :class:`BodyTooLarge`, or with ``prefix`` gives the first ``limit``.
    Raises :class:`UnsupportedCoding` for a coding Casebook cannot decode, :class:`UndecodableBody` for
    bytes that are not the coding they claim.
    """
    applied = codings(content_encoding)
    for depth, coding in enumerate(reversed(applied), 1):
        bound = limit if depth == len(applied) else MAX_DECODED_BYTES  # a prefix only of the last layer
        decoder = DECODERS.get(coding)
        if decoder is None:
            if coding in ("br", "zstd"):
                raise UnsupportedCoding(f"content-coding {coding!r} needs a library that is not installed")
            raise UnsupportedCoding(f"unsupported content-coding {coding!r}")
        try:
            body, complete = decoder(body, bound)
        except Exception as exc:  # noqa: BLE001 - zlib.error, brotli.error, ZstdError: all "not this coding"
            raise UndecodableBody(f"not valid {coding} data ({type(exc).__name__}: {exc})") from None
        if len(body) > bound:
            if not prefix or bound != limit:
                raise BodyTooLarge(f"the {coding} body decodes to more than {bound} bytes")
            body = body[:limit]
        elif not complete:
            log.warning("a %s body ends early: decoded what it held (%d bytes)", coding, len(body))
    return body
