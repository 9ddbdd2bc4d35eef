from django.utils.translation import gettext


class ApplicationError(Exception):
    """A refusal a user can understand: `message` is shown, `code` is for machines."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class NotFoundOrForbidden(ApplicationError):
    """Out of scope looks exactly like missing."""

    def __init__(self, message: str | None = None):
        super().__init__(message or gettext("未找到该记录"), code="not_found")


class PermissionRefused(ApplicationError):
    def __init__(self, message: str | None = None):
        super().__init__(message or gettext("您没有执行此操作的权限"), code="forbidden")
