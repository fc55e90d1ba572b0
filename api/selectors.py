"""Reads for the API, always scoped to the user the access token speaks for."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.selectors import Authorization, authorization_list
from api.models import Note


def note_list(*, user: User) -> QuerySet[Note]:
    """The notes ``user`` owns; the only way the API reaches notes, so no view can leak another user's."""
    return Note.objects.filter(owner=user)


def note_shared_get(*, share_key: str) -> Note:
    """The note behind a read-only share link, or 404: a withdrawn link looks like one that never existed."""
    note = Note.objects.filter(share_key=share_key).first() if share_key else None
    if note is None:
        raise Http404
    return note


def authorization_get(*, user: User, client_id: str) -> Authorization:
    """The authorization ``user`` gave the client ``client_id``, or 404 when they gave it none."""
    for authorization in authorization_list(user=user):
        if authorization.application.client_id == client_id:
            return authorization
    raise Http404


def user_directory_list() -> QuerySet[User]:
    """Every account, for machine clients that provision users elsewhere."""
    return get_user_model().objects.order_by("username")
