"""Form pieces every domain uses."""

from django import forms

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one file input; cleans to a list (empty when none was chosen).
    The photos themselves are checked and re-encoded by the service that stores them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []
