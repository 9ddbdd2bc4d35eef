"""Passwords are hashed with Argon2id; hashes made before (PBKDF2) still work and are upgraded."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher

from config.settings import base
from wangge.accounts.hashers import WanggeArgon2PasswordHasher
from wangge.accounts.models import User


def test_new_passwords_are_argon2id_at_the_baseline(db, settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = User.objects.create(username="argon")
    user.set_password("Grid-worker-2026")
    user.save()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(user.password), WanggeArgon2PasswordHasher)
    assert user.check_password("Grid-worker-2026")
    assert not user.check_password("Grid-worker-2025")


def test_an_older_pbkdf2_hash_signs_in_and_is_upgraded(db, settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = User.objects.create(username="old", password=PBKDF2PasswordHasher().encode("Old-password-1", "saltsalt1234"))
    assert user.check_password("Old-password-1")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Old-password-1")
