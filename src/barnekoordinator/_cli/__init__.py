"""Subcommands of the ``barnekoordinator`` command, one module each, and the conventions they
share: ``--json`` (one document, or JSON lines for a stream, said in each command's help),
``--lang nb|nn|en`` for the words a command prints, and progress on standard error only at a
terminal."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from barnekoordinator.errors import BarnekoordinatorError

__all__ = [
    "LANGUAGES",
    "add_json_option",
    "add_lang_option",
    "file_name",
    "json_text",
    "new_output",
    "one_line",
    "printable",
    "read_source",
    "terminal_progress",
]

LANGUAGES = ("nb", "nn", "en")
"""The languages ``--lang`` takes."""


def add_json_option(parser: argparse.ArgumentParser, what: str, *, lines: bool = False) -> None:
    """``--json``: print ``what`` as one JSON document (``lines``: one JSON object per line)."""
    shape = "JSON lines, one object per line: " if lines else "one JSON document: "
    parser.add_argument("--json", action="store_true", help=f"print {shape}{what}")


def add_lang_option(parser: argparse.ArgumentParser, default: str = "nb") -> None:
    """``--lang nb|nn|en``: the language of the words the command prints (not of errors,
    which are English). The older commands default to English, as they printed before."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help=f"language of the printed words (default: {default}; errors are in English)",
    )


@contextmanager
def terminal_progress(what: str, unit: str) -> Iterator[Callable[[int], None] | None]:
    """A progress counter on standard error while the block runs, only when standard error is
    a terminal: yields a function taking how many more of ``unit`` are done, or ``None``
    (no terminal: nothing is shown, and ``tqdm`` is never imported)."""
    isatty = getattr(sys.stderr, "isatty", None)
    if isatty is None or not isatty():
        yield None
        return
    import os

    from tqdm import tqdm  # only at a terminal: it costs start-up time

    try:
        size = os.get_terminal_size(sys.stderr.fileno())
        columns, lines = size.columns, size.lines
    except (OSError, ValueError):
        columns = lines = 0
    # A terminal that reports no size (a fresh pseudo-terminal) would get no bar at all.
    shape = {"ncols": columns or 80, "nrows": lines or 24}
    with tqdm(desc=what, unit=unit, file=sys.stderr, leave=False, **shape) as bar:
        yield bar.update


_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
"""C0 and C1 control characters (and DEL), each as its ``\\xNN`` escape."""


def printable(message: str) -> str:
    """``message`` with control characters (``\\x1b``, ``\\n`` …) and lone surrogates
    (``\\udcff``) escaped, so any stream can print it and it stays one line that cannot steer
    the terminal.

    A file name typed on the command line may hold bytes that are not UTF-8 (Python passes them
    on as lone surrogates); the real standard error escapes them, but an embedding application's
    stream may not. It may also hold control characters (an escape sequence in a file name would
    otherwise reach the terminal raw).
    """
    return message.translate(_CONTROLS).encode("utf-8", "backslashreplace").decode("utf-8")


_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
"""DEL and the C1 controls as JSON escapes (``json.dumps`` escapes only the C0 controls)."""


def json_text(document: object, *, indent: int | None = None) -> str:
    """``document`` as JSON for standard output, non-ASCII text kept and no control character
    raw: ``json.dumps`` escapes the C0 controls, this DEL and the C1 controls too (in JSON only
    a string can hold one, and there the escape means the same), so stored text printed as JSON
    cannot steer the reader's terminal either."""
    import json

    return json.dumps(document, ensure_ascii=False, indent=indent).translate(_JSON_CONTROLS)


def one_line(message: object) -> str:
    """An error's message on one line: a heading and its list of problems, joined
    (``heading: problem; problem``)."""
    line = ""
    for part in (p.strip() for p in str(message).splitlines()):
        if part:
            line += part if not line else (" " if line.endswith(":") else "; ") + part
    return line


def file_name(name: str, where: str, error: type[BarnekoordinatorError] | None = None) -> str:
    """[`edges.file_name()`][barnekoordinator.edges.file_name], imported when first used."""
    from barnekoordinator.edges import file_name as checked

    return checked(name, where, error)


def read_source(source: str, limit: int, where: str = "", *, stdin: bool = True) -> bytes:
    """The bytes of file ``source`` (``-``: standard input, unless ``stdin`` is false), at most
    ``limit`` of them. ``where`` (e.g. ``--principal FILE``) begins an error's message; the
    file's name by default.

    Raises:
        InvalidInput: the name cannot be a file name, the file cannot be read, or it holds more
            than ``limit`` bytes.
    """
    from barnekoordinator.edges import read_file
    from barnekoordinator.errors import InvalidInput

    if source != "-" or not stdin:
        return read_file(source, limit, where)
    where = where or source
    try:
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is not None:
            data: bytes = buffer.read(limit + 1)
        else:  # a replaced sys.stdin (tests, embedding) may be text only
            data = sys.stdin.read(limit + 1).encode("utf-8", "surrogatepass")
    except OSError as exc:
        raise InvalidInput(f"{where}: {exc.strerror or 'unreadable'}") from None
    if len(data) > limit:
        raise InvalidInput(f"{where}: longer than {limit} bytes")
    return data


@contextmanager
def new_output(name: str, where: str = "--output") -> Iterator[Callable[[bytes], None]]:
    """A new file ``name`` for a command's output, written whole or not at all; yields the
    function that writes it (once, with the whole content).

    The file is created, empty, on entering, so a name that is no file name, a missing folder,
    an existing file (never overwritten) or a place that cannot be written is refused before the
    command reads or stores anything. The content goes to a temporary file beside it, renamed
    over it. When the block raises, or the writing fails, neither file is left.

    ``-`` is refused rather than made a file of that name: where a command reads ``-`` as
    standard input, ``--output -`` would be read as standard output, which is where the output
    goes without ``--output`` (a file called ``-`` is ``./-``).

    Raises:
        InvalidInput: ``where NAME: …`` — it is ``-``, it exists, or it cannot be created or
            written (the system's reason).
    """
    from barnekoordinator.errors import InvalidInput

    if name == "-":
        raise InvalidInput(
            f"{where} -: expected a file name; leave {where} out to write to standard output "
            "(./- names a file called -)"
        )
    where = f"{where} {name}"
    try:
        os.close(os.open(file_name(name, where), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        raise InvalidInput(f"{where}: the file exists; nothing written") from None
    except OSError as exc:
        raise InvalidInput(f"{where}: cannot be written ({exc.strerror})") from None
    import secrets  # here, not at start-up: it imports hashlib and hmac, which assess needs not

    folder = os.path.dirname(name)
    # A short name of its own: ``.NAME.PID.tmp`` outgrew the file system's 255 bytes for a long,
    # legal NAME, and the write failed after the command had done its work.
    temporary = os.path.join(folder, f".bk-{secrets.token_hex(8)}.tmp")
    written = False

    def write(content: bytes) -> None:
        nonlocal written
        try:
            with open(temporary, "wb") as handle:
                handle.write(content)
            os.replace(temporary, name)
        except OSError as exc:
            raise InvalidInput(f"{where}: cannot be written ({exc.strerror})") from None
        written = True

    try:
        yield write
    finally:
        if not written:
            for leftover in (temporary, name):
                with suppress(OSError):
                    os.unlink(leftover)
