"""Where the command line finds its two keys, and where it makes them.

The **checkpoint key** signs checkpoints, and the **sealing key** wraps every case's data key
(identity numbers are sealed at rest). Neither may be where the database is: whoever copies the
database (or its folder) must not get the means to sign a checkpoint of a rewritten history, nor
to open the identity numbers. The checkpoint key is found, in order:

1. ``--key FILE``: a signer key file (it must exist);
2. ``$BARNEKOORDINATOR_CHECKPOINT_KEY``: the signer key itself, for a secret store or a container
   (``PRIVATE+KEY+…``), never written to disk by us;
3. ``$BARNEKOORDINATOR_CHECKPOINT_KEY_FILE``: a key file elsewhere than the default;
4. the default ``checkpoint.key`` in the user's configuration folder
   (``$XDG_CONFIG_HOME/barnekoordinator/``, else ``~/.config/barnekoordinator/``).

Only the last two are created when missing (mode 0600, with the public key beside it in
``checkpoint.pub``), and the command says where. A key file in the same folder as a SQLite
database is refused. Vendors keeping the key in an HSM or a KMS implement
[`Signer`][barnekoordinator.history.checkpoint.Signer] and call the library instead.

The sealing key is found the same way: ``$BARNEKOORDINATOR_SEALING_KEY`` (``KEY_ID:BASE64URL``),
``$BARNEKOORDINATOR_SEALING_KEY_FILE``, else ``sealing.key`` in the same configuration folder,
created when missing (mode 0600). Losing it loses every identity number in the store: back it up
apart from the database.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from barnekoordinator._cli import file_name
from barnekoordinator.errors import BarnekoordinatorError, CheckpointError, InvalidConfiguration
from barnekoordinator.history.checkpoint import Ed25519Signer, Ed25519Verifier
from barnekoordinator.history.sealing import SealingKey
from barnekoordinator.texts import Language
from barnekoordinator.texts import text as cli_text

__all__ = [
    "KEY_ENV",
    "KEY_FILE_ENV",
    "SEALING_KEY_ENV",
    "SEALING_KEY_FILE_ENV",
    "KeySource",
    "default_key_path",
    "find_sealing_key",
    "find_signer",
    "load_sealing_key",
    "load_verifier",
    "read_note",
]

KEY_ENV: Final = "BARNEKOORDINATOR_CHECKPOINT_KEY"
"""An environment variable holding the signer key itself (``PRIVATE+KEY+…``)."""

KEY_FILE_ENV: Final = "BARNEKOORDINATOR_CHECKPOINT_KEY_FILE"
"""An environment variable naming the signer key file (created when missing)."""

SEALING_KEY_ENV: Final = "BARNEKOORDINATOR_SEALING_KEY"
"""An environment variable holding the sealing key itself (``KEY_ID:BASE64URL``)."""

SEALING_KEY_FILE_ENV: Final = "BARNEKOORDINATOR_SEALING_KEY_FILE"
"""An environment variable naming the sealing key file (created when missing)."""

_MAX_FILE: Final = 1 << 20


def default_key_path(environ: Mapping[str, str], name: str = "checkpoint.key") -> Path:
    """``name`` in the user's configuration folder (XDG, else ``~/.config``)."""
    base = environ.get("XDG_CONFIG_HOME") or ""
    if not base:
        home = environ.get("HOME") or str(Path.home())
        base = str(Path(home) / ".config")
    return Path(base) / "barnekoordinator" / name


def _database_folder(store_url: str) -> Path | None:
    if store_url.startswith("sqlite:") and store_url[len("sqlite:") :]:
        return Path(store_url[len("sqlite:") :]).resolve().parent
    return None


def _refuse_beside_database(
    path: Path,
    store_url: str,
    what: str = "checkpoint key",
    why: str = "whoever copies the folder would hold the key to sign a rewritten history",
    error: type[BarnekoordinatorError] = CheckpointError,
) -> None:
    file_name(str(path), f"{what} {path}", error)  # resolve() raises ValueError on a NUL byte
    try:
        folder = _database_folder(store_url)
        beside = folder is not None and _resolved(path, what, error).parent == folder
    except (OSError, RuntimeError) as exc:  # the database's path: a loop, a name too long, …
        raise error(
            f"{what} {path}: the database's folder cannot be resolved ({_why(exc)})"
        ) from None
    if beside:
        raise error(
            f"{what} {path}: it is in the folder of the database; keep it elsewhere ({why})"
        )


def _why(exc: BaseException) -> str:
    """The system's reason, without a traceback (``RuntimeError`` for a symlink loop)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return "symbolic link loop" if isinstance(exc, RuntimeError) else type(exc).__name__


def _resolved(path: Path, what: str, error: type[BarnekoordinatorError]) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:
        raise error(f"{what} {path}: cannot be used ({_why(exc)})") from None


def _exists(path: Path, what: str, error: type[BarnekoordinatorError]) -> bool:
    try:
        return path.exists()
    except OSError as exc:  # a name too long, … (a missing folder is just False)
        raise error(f"{what} {path}: cannot be used ({_why(exc)})") from None


def _make_folder(path: Path, what: str, error: type[BarnekoordinatorError]) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError) as exc:  # a file where a folder must be, /dev/null/…
        raise error(f"{what} {path}: its folder cannot be created ({_why(exc)})") from None


def _open_new(path: Path, what: str, error: type[BarnekoordinatorError]) -> int | None:
    """A new file's descriptor (O_EXCL, 0600), or ``None`` when another process made it."""
    try:
        # O_EXCL: never overwrite a key another process made meanwhile; 0600: the owner only.
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None
    except OSError as exc:
        raise error(f"{what} {path}: cannot be created ({_why(exc)})") from None


def _read(path: Path, what: str, error: type[BarnekoordinatorError] = CheckpointError) -> str:
    file_name(str(path), f"{what} {path}", error)
    try:
        with path.open("rb") as file:
            data = file.read(_MAX_FILE + 1)
    except OSError as exc:
        raise error(f"{what} {path}: cannot be read ({exc.strerror})") from None
    if len(data) > _MAX_FILE:
        raise error(f"{what} {path}: larger than {_MAX_FILE} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{what} {path}: not UTF-8 text") from None


def read_note(path: Path) -> str:
    """The text of a signed checkpoint file.

    Raises:
        CheckpointError: the file cannot be read or is not UTF-8.
    """
    return _read(path, "checkpoint")


def _create(path: Path) -> Ed25519Signer:
    signer = Ed25519Signer.generate(f"barnekoordinator.invalid/{secrets.token_hex(8)}")
    _make_folder(path, "checkpoint key", CheckpointError)
    fd = _open_new(path, "checkpoint key", CheckpointError)
    if fd is None:
        return Ed25519Signer.from_key_text(_read(path, "checkpoint key"))
    public = path.with_suffix(".pub")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(signer.key_text() + "\n")
        public.write_text(signer.verifier().key_text() + "\n", encoding="utf-8")
    except OSError as exc:
        raise CheckpointError(f"checkpoint key {path}: cannot be written ({_why(exc)})") from None
    return signer


@dataclass(frozen=True)
class KeySource:
    """Where a key came from: a key file, the environment variable, or a key file just made
    (``path`` is the key file; ``None`` for the environment). ``purpose`` says which key: the
    checkpoint key (``$BARNEKOORDINATOR_CHECKPOINT_KEY``) or the sealing key
    (``$BARNEKOORDINATOR_SEALING_KEY``)."""

    kind: Literal["file", "environment", "created"]
    path: Path | None = None
    purpose: Literal["checkpoint", "sealing"] = "checkpoint"

    def text(self, lang: Language | str = Language.NB) -> str:
        """The phrase naming the source in ``lang``, from the catalogue (after "signed with",
        or, for a sealing key just made, the notice a command prints)."""
        if self.path is None:
            return f"${KEY_ENV if self.purpose == 'checkpoint' else SEALING_KEY_ENV}"
        if self.kind == "created":
            key = f"cli.{self.purpose}.created-key"
        else:
            key = "cli.checkpoint.key-file"
        return cli_text(key).format(lang, path=self.path, public=self.path.with_suffix(".pub"))

    def __str__(self) -> str:
        """The phrase in English (``checkpoint --json``'s ``signed_with``)."""
        return self.text(Language.EN)


def find_signer(
    key: str | None, *, store_url: str, environ: Mapping[str, str], create: bool
) -> tuple[Ed25519Signer, KeySource]:
    """The signer and where it came from (and whether it was just made).

    Raises:
        CheckpointError: the key is malformed, cannot be read, is missing (``--key``, or
            ``create`` is false) or sits beside a SQLite database.
    """
    if key is not None:
        path = Path(key)
        _refuse_beside_database(path, store_url)
        signer = Ed25519Signer.from_key_text(_read(path, "checkpoint key"))
        return signer, KeySource("file", path)
    if environ.get(KEY_ENV):
        return Ed25519Signer.from_key_text(environ[KEY_ENV]), KeySource("environment")
    path = Path(environ[KEY_FILE_ENV]) if environ.get(KEY_FILE_ENV) else default_key_path(environ)
    _refuse_beside_database(path, store_url)
    if _exists(path, "checkpoint key", CheckpointError):
        signer = Ed25519Signer.from_key_text(_read(path, "checkpoint key"))
        return signer, KeySource("file", path)
    if not create:
        raise CheckpointError(
            f"no checkpoint key: none at {path}, ${KEY_ENV} is unset; pass the public key "
            "with --public-key"
        )
    return _create(path), KeySource("created", path)


def load_verifier(
    public_key: str | None, *, store_url: str, environ: Mapping[str, str]
) -> Ed25519Verifier:
    """The verifier of ``--public-key FILE``, else of the signer key found as ``checkpoint`` would.

    Raises:
        CheckpointError: the key is malformed, cannot be read, or there is none.
    """
    if public_key is not None:
        return Ed25519Verifier.from_key_text(_read(Path(public_key), "public key"))
    signer, _ = find_signer(None, store_url=store_url, environ=environ, create=False)
    return signer.verifier()


def _refuse_sealing_key_beside_database(path: Path, store_url: str) -> None:
    _refuse_beside_database(
        path,
        store_url,
        "sealing key",
        "whoever copies the folder would hold the key to every identity number",
        InvalidConfiguration,
    )


def _sealing_key_file(path: Path, store_url: str) -> SealingKey:
    _refuse_sealing_key_beside_database(path, store_url)
    return SealingKey.from_text(_read(path, "sealing key", InvalidConfiguration))


def find_sealing_key(
    *, store_url: str, environ: Mapping[str, str]
) -> tuple[SealingKey, KeySource] | Path:
    """The sealing key and where it came from, as
    [`load_sealing_key()`][barnekoordinator._cli._keys.load_sealing_key] finds it; when there is
    none, the file it would make, checked as it would check it (not beside the database) but
    not made: for a command that checks everything before it writes anything.

    Raises:
        InvalidConfiguration: the key is malformed, cannot be read, or its file would sit
            beside a SQLite database. No message repeats the key.
    """
    found = _existing_sealing_key(store_url, environ)
    if isinstance(found, Path):
        _refuse_sealing_key_beside_database(found, store_url)
    return found


def _existing_sealing_key(
    store_url: str, environ: Mapping[str, str]
) -> tuple[SealingKey, KeySource] | Path:
    if environ.get(SEALING_KEY_ENV):
        source = KeySource("environment", purpose="sealing")
        return SealingKey.from_text(environ[SEALING_KEY_ENV]), source
    path = (
        Path(environ[SEALING_KEY_FILE_ENV])
        if environ.get(SEALING_KEY_FILE_ENV)
        else default_key_path(environ, "sealing.key")
    )
    if _exists(path, "sealing key", InvalidConfiguration):
        return _sealing_key_file(path, store_url), KeySource("file", path, "sealing")
    return path


def load_sealing_key(
    *, store_url: str, environ: Mapping[str, str], create: bool
) -> tuple[SealingKey, KeySource]:
    """The sealing key and where it came from (``kind`` ``"created"`` when it was just made: the
    caller says so, in its language, with ``KeySource.text``).

    Raises:
        InvalidConfiguration: the key is malformed, cannot be read, is missing (and ``create``
            is false) or sits beside a SQLite database. No message repeats the key.
    """
    found = _existing_sealing_key(store_url, environ)
    if not isinstance(found, Path):
        return found
    path = found
    if not create:
        raise InvalidConfiguration(
            f"no sealing key: none at {path} and ${SEALING_KEY_ENV} is unset; the store's "
            "identity numbers cannot be opened without the key that sealed them"
        )
    _refuse_sealing_key_beside_database(path, store_url)
    key = SealingKey.generate(f"bk-{secrets.token_hex(4)}")
    _make_folder(path, "sealing key", InvalidConfiguration)
    fd = _open_new(path, "sealing key", InvalidConfiguration)
    if fd is None:  # another process made it meanwhile
        return _sealing_key_file(path, store_url), KeySource("file", path, "sealing")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(key.to_text() + "\n")
    except OSError as exc:
        raise InvalidConfiguration(f"sealing key {path}: cannot be written ({_why(exc)})") from None
    return key, KeySource("created", path, "sealing")
