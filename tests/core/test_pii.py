"""Personal data: encryption at rest with key rotation, keyed hashing, masking, log redaction."""

import logging

import pytest
from cryptography.fernet import Fernet

from core import crypto, pii
from core.logging import RedactPIIFilter, redact


@pytest.fixture
def fresh_keys(settings):
    crypto.reset_key_cache()
    yield settings
    crypto.reset_key_cache()


def test_encrypt_round_trip_and_nondeterministic(fresh_keys):
    a, b = crypto.encrypt("11010519491231002X"), crypto.encrypt("11010519491231002X")
    assert a != b and "11010519491231002X" not in a
    assert crypto.decrypt(a) == "11010519491231002X"


def test_key_rotation_reads_old_rows(fresh_keys):
    old = Fernet.generate_key().decode()
    fresh_keys.FIELD_ENCRYPTION_KEYS = [old]
    crypto.reset_key_cache()
    token = crypto.encrypt("13800138000")
    fresh_keys.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    crypto.reset_key_cache()
    assert crypto.decrypt(token) == "13800138000"


def test_wrong_key_fails_without_echoing(fresh_keys):
    token = crypto.encrypt("13800138000")
    fresh_keys.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    crypto.reset_key_cache()
    with pytest.raises(ValueError) as err:
        crypto.decrypt(token)
    assert "13800138000" not in str(err.value)


def test_keyed_hash_normalizes_and_depends_on_key(fresh_keys):
    h = crypto.keyed_hash("11010519491231002x ")
    assert h == crypto.keyed_hash("11010519491231002X")
    fresh_keys.PII_HASH_KEY = "another-key"
    crypto.reset_key_cache()
    assert crypto.keyed_hash("11010519491231002X") != h


@pytest.mark.parametrize(
    ("value", "masked"),
    [("110101199003071234", "110101********1234"), ("11010519491231002X", "110105********002X"), ("", "")],
)
def test_mask_national_id(value, masked):
    assert pii.mask_national_id(value) == masked


def test_mask_phone():
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_phone("010-12345678") == "010*****5678"


def test_log_filter_redacts_ids_and_mobiles(caplog):
    logger = logging.getLogger("tests.pii")
    logger.addFilter(RedactPIIFilter())
    with caplog.at_level(logging.INFO, logger="tests.pii"):
        logger.info("import row %s phone %s", "11010519491231002X", "13812345678")
    assert "11010519491231002X" not in caplog.text and "13812345678" not in caplog.text
    assert caplog.text.count("[REDACTED]") == 2
    assert redact("order 2024 total 15") == "order 2024 total 15"
