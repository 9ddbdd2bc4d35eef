class ChineseUnlessChosenMiddleware:
    """The UI is Chinese unless the user picked English (language cookie): a browser's
    Accept-Language (often en-US on office PCs) must not switch it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
