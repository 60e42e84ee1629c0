"""Signed notes and checkpoints in the C2SP formats, byte for byte, and every malformed input
refused with a CheckpointError.

Known answers:

* Go's ``golang.org/x/mod/sumdb/note`` documentation (the reference implementation of
  c2sp.org/signed-note): the ``PeterNeumann`` signer and verifier keys and the exact signed note
  of its two-line text. Ed25519 is deterministic, so signing that text with that key must give
  that note, byte for byte.
* c2sp.org/tlog-checkpoint: the example checkpoint text (``example.com/behind-the-sofa``).
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.errors import CheckpointError
from barnekoordinator.history.checkpoint import (
    Checkpoint,
    Ed25519Signer,
    Ed25519Verifier,
    NoteVerifier,
    Signer,
    TreeHead,
    note_key_id,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)

GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)


def test_go_reference_keys_and_note_byte_for_byte() -> None:
    """Our keys, key ids and signatures are those of Go's note package."""
    signer = Ed25519Signer.from_key_text(GO_SIGNER)
    assert isinstance(signer, Signer)
    assert signer.name == "PeterNeumann"
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.key_text() == GO_SIGNER
    verifier = Ed25519Verifier.from_key_text(GO_VERIFIER)
    assert isinstance(verifier, NoteVerifier)
    assert signer.verifier().key_text() == verifier.key_text() == GO_VERIFIER
    assert sign_note(GO_TEXT, [signer]) == GO_NOTE
    text, signatures = open_note(GO_NOTE, [verifier])
    assert text == GO_TEXT
    assert [(s.name, s.key_id.hex()) for s in signatures] == [("PeterNeumann", "c74f20a3")]
    public = base64.b64decode(GO_VERIFIER.split("+", 2)[2])[1:]
    assert note_key_id("PeterNeumann", 0x01, public).hex() == "c74f20a3"


def test_spec_checkpoint_text_round_trips() -> None:
    """The tlog-checkpoint specification's example parses and prints back unchanged."""
    checkpoint = Checkpoint.from_text(SPEC_CHECKPOINT)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.events.size == 20852163
    assert base64.b64encode(checkpoint.events.root).decode() == (
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    )
    assert checkpoint.audit is None
    assert checkpoint.text() == SPEC_CHECKPOINT


def test_audit_tree_rides_in_an_extension_line() -> None:
    """The audit tree is one extension line; unknown extension lines are kept as read."""
    checkpoint = Checkpoint(
        "barnekoordinator.invalid/test",
        TreeHead(7, bytes(range(32))),
        TreeHead(3, bytes(32)),
        ("vendor-note something",),
    )
    text = checkpoint.text()
    assert text.splitlines()[3].startswith("barnekoordinator-audit 3 ")
    assert Checkpoint.from_text(text) == checkpoint
    signer = Ed25519Signer.generate("barnekoordinator.invalid/test")
    note = sign_checkpoint(checkpoint, signer)
    assert open_checkpoint(note, signer.verifier()) == checkpoint


ROOT = base64.b64encode(bytes(32)).decode()
AUDIT_LINE = f"barnekoordinator-audit 1 {ROOT}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("origin\n12\n", "origin, tree size and root"),
        (f"origin\n012\n{ROOT}\n", "line 2: expected a decimal tree size"),
        (f"origin\n+12\n{ROOT}\n", "line 2"),
        (f"origin\n-1\n{ROOT}\n", "line 2"),
        (f"origin\n1 2\n{ROOT}\n", "line 2"),
        (f"origin\n{'9' * 20}\n{ROOT}\n", "line 2"),
        ("origin\n12\nnot base64!\n", "line 3: expected the standard base64"),
        (f"origin\n12\n{base64.b64encode(bytes(31)).decode()}\n", "line 3"),
        (f"origin\n12\n{ROOT.rstrip('=')}\n", "line 3"),
        (f"origin\n12\n{base64.urlsafe_b64encode(bytes([251]) * 32).decode()}\n", "line 3"),
        (f"\n12\n{ROOT}\n", "line 1: expected a non-empty line"),
        (f"origin\n12\n{ROOT}\n\nmore\n", "line 4: expected a non-empty line"),
        (f"origin\n12\n{ROOT}", "ending in a newline"),
        (f"origin\n12\n{ROOT}\nbarnekoordinator-audit 1\n", "line 4: expected one"),
        (f"origin\n12\n{ROOT}\n{AUDIT_LINE}{AUDIT_LINE}", "line 5: expected one"),
        (f"origin\n12\n{ROOT}\nbarnekoordinator-audit 01 {ROOT}\n", "line 4: expected a decimal"),
    ],
)
def test_malformed_checkpoints_are_refused(text: str, expected: str) -> None:
    """Each malformed checkpoint text raises CheckpointError naming the line."""
    with pytest.raises(CheckpointError, match=expected):
        Checkpoint.from_text(text)


VERIFIER = Ed25519Verifier.from_key_text(GO_VERIFIER)
GO_LINE = GO_NOTE[len(GO_TEXT) + 1 :]
ZERO_SIGNATURE = base64.b64encode(bytes.fromhex("c74f20a3") + bytes(64)).decode()


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (GO_TEXT + GO_LINE, "a blank line and signature lines"),
        (GO_TEXT + "\n", "at least one signature line"),
        (GO_NOTE[:-1], "last signature line to end in a newline"),
        (GO_TEXT + "\n" + GO_LINE.replace("—", "-"), "signature line 1: expected"),
        (GO_TEXT + "\n" + GO_LINE.replace("PeterNeumann ", "PeterNeumann"), "line 1: expected"),
        (GO_TEXT + "\n" + GO_LINE.replace("x08go", "x08g!"), "not standard base64"),
        (GO_TEXT + "\n— PeterNeumann AAAA\n", "expected a key id and a signature"),
        (GO_TEXT + "\n— Peter+Neumann " + GO_LINE.split(" ")[2], "key name"),
        (GO_TEXT.replace("problem,", "problem,\t") + "\n" + GO_LINE, "control character U\\+0009"),
        (GO_NOTE.replace("cryptography", "cryptographY"), "does not verify"),
        (GO_NOTE + "— PeterNeumann " + ZERO_SIGNATURE + "\n", "does not verify"),
        (GO_TEXT + "\n— Other " + GO_LINE.split(" ")[2], "no signature by a trusted key"),
        (GO_TEXT + "\n" + GO_LINE * 101, "more than 100 signatures"),
    ],
)
def test_malformed_or_untrusted_notes_are_refused(note: str, expected: str) -> None:
    """Each malformed, altered or untrusted note raises CheckpointError saying why."""
    with pytest.raises(CheckpointError, match=expected):
        open_note(note, [VERIFIER])


def test_unknown_signatures_are_ignored() -> None:
    """A note also signed by a key we do not know still opens with the known key's signature."""
    other = Ed25519Signer.generate("witness.example/w1")
    signed = sign_note(GO_TEXT, [Ed25519Signer.from_key_text(GO_SIGNER), other])
    text, signatures = open_note(signed, [VERIFIER])
    assert text == GO_TEXT
    assert [s.name for s in signatures] == ["PeterNeumann"]
    # The same name with another key id is another key: ignored, so nothing trusted signed it.
    impostor = Ed25519Signer.generate("PeterNeumann")
    with pytest.raises(CheckpointError, match="no signature by a trusted key"):
        open_note(sign_note(GO_TEXT, [impostor]), [VERIFIER])


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("PRIVATE+KEY+PeterNeumann+c74f20a3", "expected PRIVATE"),
        (GO_SIGNER.replace("PRIVATE+KEY", "PUBLIC+KEY"), "expected PRIVATE"),
        (GO_SIGNER.replace("c74f20a3", "C74F20A3"), "8 lower-case hex"),
        (GO_SIGNER.replace("c74f20a3", "c74f20a4"), "does not match"),
        (GO_SIGNER.replace("PeterNeumann", "Peter Neumann"), "key name"),
        (GO_SIGNER.replace("+AYEK", "+AoEK"), "0x01 \\(Ed25519\\)"),
        (GO_SIGNER[:-4], "32-byte key"),
        (GO_SIGNER[:-1], "not standard base64"),
    ],
)
def test_malformed_signer_keys_are_refused_without_echoing_them(key: str, expected: str) -> None:
    """A malformed key raises CheckpointError; the message never holds the secret."""
    with pytest.raises(CheckpointError, match=expected) as info:
        Ed25519Signer.from_key_text(key)
    assert "AYEKFALVFGyNhPJEMzD1" not in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("PeterNeumann+c74f20a3", "expected <name>"),
        (GO_VERIFIER.replace("c74f20a3", "c74f20"), "8 lower-case hex"),
        (GO_VERIFIER.replace("PeterNeumann", "Peter"), "does not match"),
        (GO_VERIFIER + "AAAA", "32-byte key"),
    ],
)
def test_malformed_public_keys_are_refused(key: str, expected: str) -> None:
    """A malformed verifier key raises CheckpointError."""
    with pytest.raises(CheckpointError, match=expected):
        Ed25519Verifier.from_key_text(key)


def test_a_signers_repr_hides_the_key() -> None:
    """repr names the key, never its secret."""
    signer = Ed25519Signer.from_key_text(GO_SIGNER)
    assert "AYEKFALVFGyNhPJEMzD1" not in repr(signer)
    assert "c74f20a3" in repr(signer)


def test_note_text_must_be_a_proper_text() -> None:
    """sign_note refuses text without the final newline, control characters or signers."""
    signer = Ed25519Signer.from_key_text(GO_SIGNER)
    for text, expected in [("no newline", "ending in a newline"), ("a\x00b\n", "U\\+0000")]:
        with pytest.raises(CheckpointError, match=expected):
            sign_note(text, [signer])
    with pytest.raises(CheckpointError, match="at least one signer"):
        sign_note(GO_TEXT, [])
    with pytest.raises(CheckpointError, match="non-empty line"):
        Checkpoint("two\nlines", TreeHead(0, bytes(32))).text()


ORIGINS = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x2FFF, blacklist_characters="+"),
    min_size=1,
    max_size=30,
)
HEADS = st.builds(TreeHead, st.integers(0, 2**63 - 1), st.binary(min_size=32, max_size=32))
SIGNER = Ed25519Signer.from_key_text(GO_SIGNER)


@given(ORIGINS, HEADS, st.none() | HEADS)
def test_checkpoints_round_trip(origin: str, events: TreeHead, audit: TreeHead | None) -> None:
    """Any checkpoint prints, signs, verifies and parses back to itself."""
    checkpoint = Checkpoint(origin, events, audit)
    assert Checkpoint.from_text(checkpoint.text()) == checkpoint
    assert open_checkpoint(sign_checkpoint(checkpoint, SIGNER), VERIFIER) == checkpoint


@given(HEADS, st.data())
def test_any_changed_character_of_a_signed_checkpoint_is_refused(
    events: TreeHead, data: st.DataObject
) -> None:
    """Changing one character of the signed text makes the note fail (never a raw exception)."""
    note = sign_checkpoint(Checkpoint("example.com/log", events), SIGNER)
    text_length = note.index("\n\n") + 1
    index = data.draw(st.integers(0, text_length - 1))
    replacement = data.draw(st.sampled_from("0aZ+/=\n "))
    if note[index] == replacement:
        return
    forged = note[:index] + replacement + note[index + 1 :]
    with pytest.raises(CheckpointError):
        open_checkpoint(forged, VERIFIER)
