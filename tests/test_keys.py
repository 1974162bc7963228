from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from moim import keys


@pytest.fixture(autouse=True)
def _fresh_cache():
    keys.vault_key.cache_clear()
    yield
    keys.vault_key.cache_clear()


def test_each_purpose_has_its_own_key():
    assert keys.derive("ballot-seal") != keys.derive("audit-chain")
    assert len(keys.derive("ballot-seal")) == 32


def test_the_derived_keys_follow_the_vault_key(settings):
    before = keys.derive("audit-chain")
    settings.MOIM_VAULT_KEY = "another-vault-key-of-sufficient-length-0123456789"
    keys.vault_key.cache_clear()
    assert keys.derive("audit-chain") != before


def test_a_short_vault_key_is_refused(settings):
    settings.MOIM_VAULT_KEY = "short"
    with pytest.raises(ImproperlyConfigured, match="too short"):
        keys.vault_key()


def test_development_key_is_made_once_and_kept_private(settings, tmp_path: Path):
    settings.MOIM_VAULT_KEY = ""
    settings.DATA_DIR = tmp_path
    first = keys.vault_key()
    keys.vault_key.cache_clear()
    assert keys.vault_key() == first
    assert (tmp_path / "vault.key").stat().st_mode & 0o077 == 0
