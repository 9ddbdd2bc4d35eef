import pytest

from wangge.notifications.tests.servers import SMTPServer, WebhookServer, serve


@pytest.fixture
def smtp_server(settings):
    server = serve(SMTPServer())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook(settings):
    server = serve(WebhookServer())
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _channels_really_send(settings):
    settings.WANGGE_NOTIFY_CONSOLE = False
    settings.WANGGE_NOTIFY_MAX_ATTEMPTS = 3
