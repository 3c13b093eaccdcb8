"""Rotating the reporters' identity key: a new key first, every stored identity re-encrypted
under it, each batch in the ledger, the old key then idle; a file-managed key set grows a key."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.ledger.models import Leaf
from oversight.lib.crypto import new_key_text
from oversight.public import keys
from oversight.public import services as public
from oversight.public.models import Complaint

from .conftest import file_complaint

pytestmark = pytest.mark.django_db

OLD, NEW = "t1:" + "11" * 32, "t3:" + "44" * 32


def _use_keys(settings, text):
    settings.PUBLIC_IDENTITY_KEYS = text
    keys._load.cache_clear()


def test_it_reencrypts_every_identity_under_the_new_key(pc, settings):
    _use_keys(settings, OLD)
    names = {}
    for n in range(3):
        complaint, _code = file_complaint(pc, named=True, name=f"Li {n}", phone=f"1391234567{n}")
        names[complaint.pk] = f"Li {n}"
    file_complaint(pc)  # anonymous: nothing to re-encrypt
    assert public.identity_key_use() == {"t1": 6}  # three names and three phones
    _use_keys(settings, f"{NEW},{OLD}")
    assert public.identity_reencrypt(batch=2) == 3
    assert public.identity_key_use() == {"t3": 6}
    assert Leaf.objects.filter(action="public.identity.reencrypt").count() == 2  # two batches
    assert public.identity_reencrypt() == 0  # nothing left, nothing recorded
    _use_keys(settings, NEW)  # the old key is gone: every identity still opens
    for pk, name in names.items():
        complaint = Complaint.objects.get(pk=pk)
        assert keys.decrypt(complaint.name_enc, context="public.Complaint.name") == name


def test_a_token_no_key_opens_stops_the_run_and_names_the_complaint(pc, settings):
    _use_keys(settings, OLD)
    complaint, _code = file_complaint(pc, named=True, name="Li", phone="13912345678")
    _use_keys(settings, "t3:" + "44" * 32)  # the old key was lost
    with pytest.raises(CommandError, match=complaint.reference):
        call_command("public_keys", "--reencrypt")
    assert Complaint.objects.get(pk=complaint.pk).name_enc == complaint.name_enc


def test_the_command_adds_a_key_to_the_key_file_and_reports_idle_keys(pc, settings, tmp_path):
    settings.PUBLIC_IDENTITY_KEYS = ""
    settings.PUBLIC_LOOKUP_KEY = ""
    settings.PUBLIC_KEY_FILE = str(tmp_path / "public_keys")
    (tmp_path / "public_keys").write_text(
        f"lookup:{new_key_text()}\nidentity.k1:{new_key_text()}\n"
    )
    keys._load.cache_clear()
    complaint, _code = file_complaint(pc, named=True, name="Li", phone="13912345678")
    assert keys.cipher().key_id_of(complaint.phone_enc) == "k1"
    out = _run("--new-identity-key", "--reencrypt")
    assert "Identity key k2 now encrypts" in out and "Re-encrypted the identities of 1" in out
    assert "No token needs key(s) k1 any more." in out
    lines = (tmp_path / "public_keys").read_text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["lookup", "identity.k2", "identity.k1"]
    assert oct((tmp_path / "public_keys").stat().st_mode & 0o777) == "0o600"
    complaint.refresh_from_db()
    assert keys.cipher().key_id_of(complaint.phone_enc) == "k2"


def test_a_key_set_from_the_environment_is_not_rewritten(pc):
    with pytest.raises(CommandError, match="PUBLIC_IDENTITY_KEYS"):
        call_command("public_keys", "--new-identity-key")


def _run(*args) -> str:
    import io

    out = io.StringIO()
    call_command("public_keys", *args, stdout=out)
    return out.getvalue()
