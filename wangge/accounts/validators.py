from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaffCharacterClassValidator:
    """MLPS profile: staff passwords mix at least N of lower, upper, digit, symbol."""

    def validate(self, password, user=None):
        if user is None or not _is_staff(user):
            return
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        needed = settings.WANGGE_STAFF_PASSWORD_CLASSES
        if classes < needed:
            raise ValidationError(
                _("工作人员密码需包含小写字母、大写字母、数字、符号中的至少 %(needed)s 类")
                % {"needed": needed},
                code="password_classes",
            )

    def get_help_text(self):
        return _("工作人员密码需包含多种字符类型")


def _is_staff(user) -> bool:
    """Staff by the flag or by a staff role (a role granted without the flag still counts)."""
    if getattr(user, "is_staff", False):
        return True
    from wangge.accounts.permissions import is_staff_user

    return bool(getattr(user, "pk", None)) and is_staff_user(user)
