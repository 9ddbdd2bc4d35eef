"""Personal identifiers kept the one way the platform keeps them (docs/security.md,
"Personal data"): the ID number and the phone encrypted at rest (AES-GCM,
``wangge.core.crypto``), a keyed blind index for exact lookup, masked wherever shown,
plaintext only on demand (an audited reveal, done by the domain's services).

``EncryptedIdentity`` is the abstract base every model holding a person's ID number or
phone derives from (people.Resident, party.Member, employment.Worker). A model that keeps
no phone index sets ``phone_index = None``; one that wants a plain index on the ID
number's blind index redeclares ``id_number_index`` with ``db_index=True``. Column names
and contents are the same for every model."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core import crypto
from wangge.core.masking import mask_id_number, mask_phone


class EncryptedIdentity(models.Model):
    id_number_enc = models.TextField(blank=True, default="", verbose_name=_("证件号码（密文）"))
    id_number_index = models.CharField(max_length=32, blank=True, default="", verbose_name=_("证件号码索引"))
    phone_enc = models.TextField(blank=True, default="", verbose_name=_("电话（密文）"))
    phone_index = models.CharField(max_length=32, blank=True, default="", verbose_name=_("电话索引"))

    class Meta:
        abstract = True

    # Plaintext is only ever produced on demand; pages use the masked forms.
    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number) if self.id_number_enc else ""

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone_enc else ""

    @classmethod
    def _keeps_phone_index(cls) -> bool:
        return any(field.name == "phone_index" for field in cls._meta.concrete_fields)

    def set_id_number(self, value: str | None) -> None:
        """Encrypt and index an ID number (trimmed, upper-case X); empty clears both."""
        value = (value or "").strip().upper()
        self.id_number_enc = crypto.encrypt(value)
        self.id_number_index = crypto.blind_index(value, purpose="id")

    def set_phone(self, value: str | None) -> None:
        """Encrypt (and index, where the model keeps one) a phone; empty clears it."""
        value = (value or "").strip()
        self.phone_enc = crypto.encrypt(value)
        if self._keeps_phone_index():
            self.phone_index = crypto.blind_index(value, purpose="phone")

    def decrypted(self, field: str) -> str:
        """The plaintext of ``id_number`` or ``phone`` (for an audited reveal only)."""
        if field not in ("id_number", "phone"):
            raise ValueError(field)
        return crypto.decrypt(getattr(self, f"{field}_enc"))
