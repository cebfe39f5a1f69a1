"""Model fields for personal data: stored encrypted, decrypted on load."""

from django.db import models

from core import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted with Fernet before it reaches the database; cannot be filtered on (use a keyed hash)."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)
