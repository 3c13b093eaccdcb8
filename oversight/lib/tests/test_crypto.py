import base64
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.lib.crypto import (
    DecryptionError,
    FieldCipher,
    keyed_hash,
    new_key_text,
    normalize_token,
    parse_key,
    random_token,
)

OLD_KEY = bytes(range(32))
NEW_KEY = bytes(range(100, 132))
CONTEXT = "public.Complaint.phone"


def _cipher(current="k1"):
    return FieldCipher({"k1": OLD_KEY, "k2": NEW_KEY}, current=current)


def _raw(token):
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def _encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@given(plaintext=st.text(max_size=200))
def test_it_round_trips(plaintext):
    cipher = _cipher()
    assert cipher.decrypt(cipher.encrypt(plaintext, context=CONTEXT), context=CONTEXT) == plaintext


def test_it_makes_url_safe_tokens_with_the_documented_layout():
    token = _cipher().encrypt("13800138000", context=CONTEXT)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    raw = _raw(token)
    assert raw[0] == 1
    assert raw[1] == 2 and raw[2:4] == b"k1"
    # header (4) + nonce (12) + ciphertext (11) + tag (16)
    assert len(raw) == 4 + 12 + 11 + 16


def test_it_uses_a_fresh_nonce_each_time():
    cipher = _cipher()
    tokens = {cipher.encrypt("same", context=CONTEXT) for _ in range(20)}
    assert len(tokens) == 20


def test_it_fails_when_any_byte_is_changed():
    cipher = _cipher()
    raw = _raw(cipher.encrypt("张三 13800138000", context=CONTEXT))
    for position in range(len(raw)):
        for flip in (0x01, 0x80):
            tampered = bytearray(raw)
            tampered[position] ^= flip
            with pytest.raises(DecryptionError):
                cipher.decrypt(_encode(bytes(tampered)), context=CONTEXT)


def test_it_fails_when_any_character_of_the_token_is_changed():
    cipher = _cipher()
    token = cipher.encrypt("110105194912310021", context=CONTEXT)
    for position, character in enumerate(token):
        replacement = "A" if character != "A" else "B"
        with pytest.raises(DecryptionError):
            cipher.decrypt(token[:position] + replacement + token[position + 1 :], context=CONTEXT)


def test_it_fails_on_truncated_or_extended_tokens():
    cipher = _cipher()
    raw = _raw(cipher.encrypt("x", context=CONTEXT))
    for length in range(len(raw)):
        with pytest.raises(DecryptionError):
            cipher.decrypt(_encode(raw[:length]), context=CONTEXT)
    with pytest.raises(DecryptionError):
        cipher.decrypt(_encode(raw + b"\x00"), context=CONTEXT)


def test_it_fails_on_malformed_tokens():
    cipher = _cipher()
    token = cipher.encrypt("x", context=CONTEXT)
    for bad in ["", "!!!!", token + "=", token + " ", " " + token, "é" + token, "A"]:
        with pytest.raises(DecryptionError):
            cipher.decrypt(bad, context=CONTEXT)


def test_it_fails_in_another_context():
    cipher = _cipher()
    token = cipher.encrypt("13800138000", context="public.Complaint.phone")
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, context="public.Complaint.name")
    with pytest.raises(ValueError):
        cipher.encrypt("x", context="")


def test_it_decrypts_old_tokens_after_rotation():
    old_token = _cipher("k1").encrypt("secret", context=CONTEXT)
    rotated = _cipher("k2")
    assert rotated.decrypt(old_token, context=CONTEXT) == "secret"
    new_token = rotated.encrypt("secret", context=CONTEXT)
    assert rotated.key_id_of(new_token) == "k2"
    assert rotated.key_id_of(old_token) == "k1"
    again = rotated.rotate(old_token, context=CONTEXT)
    assert rotated.key_id_of(again) == "k2"
    assert rotated.decrypt(again, context=CONTEXT) == "secret"
    assert rotated.rotate(again, context=CONTEXT) == again


def test_it_refuses_a_key_it_does_not_hold():
    token = _cipher("k2").encrypt("secret", context=CONTEXT)
    only_old = FieldCipher({"k1": OLD_KEY}, current="k1")
    with pytest.raises(DecryptionError, match="unknown key"):
        only_old.decrypt(token, context=CONTEXT)


def test_it_refuses_a_relabelled_key_id():
    # Same key bytes under two ids: the header is authenticated, so relabelling still fails.
    cipher = FieldCipher({"a": OLD_KEY, "b": OLD_KEY}, current="a")
    raw = _raw(cipher.encrypt("secret", context=CONTEXT))
    relabelled = raw[:2] + b"b" + raw[3:]
    with pytest.raises(DecryptionError):
        cipher.decrypt(_encode(relabelled), context=CONTEXT)


def test_it_validates_its_keys():
    with pytest.raises(ValueError):
        FieldCipher({}, current="k1")
    with pytest.raises(ValueError):
        FieldCipher({"k1": b"short"}, current="k1")
    with pytest.raises(ValueError):
        FieldCipher({"k 1": OLD_KEY}, current="k 1")
    with pytest.raises(ValueError):
        FieldCipher({"k1": OLD_KEY}, current="k2")
    assert "k1" in repr(_cipher())
    assert str(OLD_KEY) not in repr(_cipher())


def test_it_hashes_with_a_key_and_a_purpose():
    key = bytes(32)
    first = keyed_hash("ABCD-EFGH", key=key, purpose="public.tracking_code")
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert first == keyed_hash("ABCD-EFGH", key=key, purpose="public.tracking_code")
    assert first != keyed_hash("ABCD-EFGH", key=key, purpose="integrity.resident_id")
    assert first != keyed_hash("ABCD-EFGH", key=OLD_KEY, purpose="public.tracking_code")
    assert first != keyed_hash("ABCD-EFGI", key=key, purpose="public.tracking_code")
    with pytest.raises(ValueError):
        keyed_hash("x", key=key, purpose="")
    with pytest.raises(ValueError):
        keyed_hash("x", key=b"short", purpose="p")


def test_it_makes_readable_random_tokens():
    token = random_token()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", token)
    assert len({random_token() for _ in range(200)}) == 200
    assert len(random_token(bits=41).replace("-", "")) == 9
    assert random_token(bits=5) and "-" not in random_token(bits=20)
    with pytest.raises(ValueError):
        random_token(bits=0)


@settings(max_examples=50)
@given(bits=st.integers(min_value=1, max_value=300))
def test_it_normalizes_what_people_type(bits):
    token = random_token(bits=bits)
    typed = token.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalize_token(typed) == token
    assert normalize_token(token) == token


def test_it_refuses_tokens_with_foreign_characters():
    for bad in ["", "ABCU", "AB*C", "中文"]:
        with pytest.raises(ValueError):
            normalize_token(bad)


def test_it_parses_keys_in_hex_and_base64():
    key = bytes(range(200, 232))
    standard = base64.b64encode(key).decode()
    url_safe = base64.urlsafe_b64encode(key).decode()
    assert "+" in standard or "/" in standard  # the sample exercises both alphabets
    for text in [key.hex(), key.hex().upper(), standard, url_safe, standard.rstrip("="),
                 f"  {standard}\n"]:  # fmt: skip
        assert parse_key(text) == key
    assert len(parse_key(new_key_text())) == 32


def test_it_explains_bad_keys_without_quoting_them():
    secret_looking = base64.b64encode(bytes(31)).decode()
    for text in ["", "zz" * 32, secret_looking, base64.b64encode(bytes(33)).decode(), "a b"]:
        with pytest.raises(ValueError, match="32 bytes") as caught:
            parse_key(text)
        if text:
            assert text not in str(caught.value)
