"""The class's check-in URL, which its QR code (`wangge.core.qr`) encodes."""

from django.urls import reverse


def check_in_url(request, training_class) -> str:
    return request.build_absolute_uri(reverse("training:check_in", args=[training_class.token]))

