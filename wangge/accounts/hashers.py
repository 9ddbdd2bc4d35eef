"""The password hasher: Argon2id at the OWASP Password Storage Cheat Sheet's baseline
(19 MiB of memory, 2 passes, 1 lane).

Django's default, PBKDF2-SHA256 with 1,000,000 iterations, costs ~0.24 s of CPU per
sign-in here; 32,000 grid workers signing in over a morning hour would need more than one
core for hashing alone (bench/README.md, the load model). Argon2id costs a few tens of
milliseconds and is memory-hard, so it is also the stronger choice against guessing on
GPUs. Hashes made with PBKDF2 (or other Argon2 parameters) are still accepted and are
re-hashed with these at the user's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class WanggeArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
