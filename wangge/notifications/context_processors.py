from wangge.notifications.selectors import unread_count


def notices(request):
    """The bell's number in the header of every signed-in page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_unread": unread_count(user=user)}
