"""The resource server's endpoints: each a declaration of authentication, permissions, scopes and throttles."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from accounts.selectors import authorization_list
from accounts.services import authorization_revoke
from api.filters import BooleanFilter
from api.pagination import ApiPagination
from api.permissions import TokenHasMethodScope, TokenHasNoUser, TokenHasUser
from api.selectors import authorization_get, note_list, note_shared_get, user_directory_list
from api.serializers import (
    AuthorizationSerializer,
    DirectoryUserSerializer,
    ErrorSerializer,
    MeSerializer,
    MeUpdateSerializer,
    NoteSerializer,
    SharedNoteSerializer,
)
from api.throttling import TOKEN_THROTTLES, SharedLinkRateThrottle
from provider.responses import no_store


class NoStoreMixin:
    """Responses carry a user's data (or a refusal about it): no browser or shared cache may keep them."""

    def finalize_response(self, request, response, *args, **kwargs):
        return no_store(super().finalize_response(request, response, *args, **kwargs))


# ME
# ------------------------------------------------------------------------------
class MeView(NoStoreMixin, APIView):
    """The profile of the user who owns the access token."""

    permission_classes = [TokenHasMethodScope, TokenHasUser]
    required_scopes = {"GET": ["profile"], "PATCH": ["profile:write"]}
    throttle_classes = TOKEN_THROTTLES

    @extend_schema(responses=MeSerializer, summary="Your profile")
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer, summary="Change your name")
    def patch(self, request):
        serializer = MeUpdateSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(MeSerializer(request.user, context={"request": request}).data)


# NOTES
# ------------------------------------------------------------------------------
class _UserNotesMixin(NoStoreMixin):
    """Notes reached through the token's user only: another user's note is simply not found (404, never 403)."""

    permission_classes = [TokenHasMethodScope, TokenHasUser]
    throttle_classes = TOKEN_THROTTLES
    serializer_class = NoteSerializer
    lookup_field = "pk"

    def get_queryset(self):
        return note_list(user=self.request.user)


@extend_schema(tags=["notes"])
class NoteListView(_UserNotesMixin, generics.ListCreateAPIView):
    """Your notes, newest first with pinned ones on top; search, filter, order and page through them."""

    required_scopes = {"GET": ["notes:read"], "POST": ["notes:write"]}
    pagination_class = ApiPagination
    filter_backends = [BooleanFilter, SearchFilter, OrderingFilter]
    boolean_filters = {
        "pinned": ("Only pinned (true) or unpinned (false) notes.", lambda value: Q(pinned=value)),
        "archived": ("Only archived (true) or active (false) notes.", lambda value: Q(archived_at__isnull=not value)),
    }
    search_fields = ["title", "body"]
    ordering_fields = ["created", "updated", "title", "pinned"]
    ordering = ["-pinned", "-updated"]

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    def get_success_headers(self, data):
        # RFC 9110 §15.3.2: a 201 names the resource it created.
        return {"Location": reverse("api:note-detail", kwargs={"pk": data["id"]}, request=self.request)}


@extend_schema(tags=["notes"])
class NoteDetailView(_UserNotesMixin, generics.RetrieveUpdateDestroyAPIView):
    """One of your notes: read it, change it, delete it."""

    required_scopes = {
        "GET": ["notes:read"],
        "PUT": ["notes:write"],
        "PATCH": ["notes:write"],
        "DELETE": ["notes:write"],
    }


class _NoteActionView(_UserNotesMixin, generics.GenericAPIView):
    """An action on one note, guarded by its own scope rather than by notes:write."""

    def act(self, note) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        note = self.get_object()
        self.act(note)
        return Response(self.get_serializer(note).data)


@extend_schema(tags=["notes"], request=None, responses=NoteSerializer, summary="Archive a note")
class NoteArchiveView(_NoteActionView):
    """Archive a note (needs only notes:archive: a tidying client can archive but not read, edit or delete)."""

    required_scopes = {"POST": ["notes:archive"]}

    def act(self, note) -> None:
        note.archive()


@extend_schema(tags=["notes"], request=None, responses=NoteSerializer, summary="Bring an archived note back")
class NoteUnarchiveView(_NoteActionView):
    """Bring an archived note back (notes:archive)."""

    required_scopes = {"POST": ["notes:archive"]}

    def act(self, note) -> None:
        note.unarchive()


@extend_schema(tags=["notes"])
class NoteShareView(_NoteActionView):
    """Publish a read-only link to a note, or withdraw it (notes:share, separate from reading and writing)."""

    required_scopes = {"POST": ["notes:share"], "DELETE": ["notes:share"]}

    def act(self, note) -> None:
        note.share()

    @extend_schema(request=None, responses=NoteSerializer, summary="Share a note by read-only link")
    def post(self, request, pk):
        return super().post(request, pk)

    @extend_schema(request=None, responses={204: None}, summary="Withdraw a note's read-only link")
    def delete(self, request, pk):
        self.get_object().unshare()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["notes"],
    summary="Read a shared note",
    responses={200: SharedNoteSerializer, 404: ErrorSerializer},
)
class SharedNoteView(NoStoreMixin, generics.RetrieveAPIView):
    """A note its owner shared: public to anyone with the link, read-only, without the owner's identity."""

    # The link is the credential: no token is read, so a stray Authorization header cannot make it fail.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SharedLinkRateThrottle]
    serializer_class = SharedNoteSerializer

    def get_object(self):
        return note_shared_get(share_key=self.kwargs["share_key"])


# AUTHORIZATIONS
# ------------------------------------------------------------------------------
@extend_schema(tags=["authorizations"])
class AuthorizationListView(NoStoreMixin, APIView):
    """The applications you authorized, with the scopes they hold: the API twin of the authorized-apps page."""

    permission_classes = [TokenHasMethodScope, TokenHasUser]
    required_scopes = {"GET": ["authorizations:read"]}
    throttle_classes = TOKEN_THROTTLES

    @extend_schema(responses=AuthorizationSerializer(many=True), summary="Applications you authorized")
    def get(self, request):
        return Response(AuthorizationSerializer(authorization_list(user=request.user), many=True).data)


@extend_schema(tags=["authorizations"])
class AuthorizationDetailView(NoStoreMixin, APIView):
    """One application you authorized, by its client_id; DELETE revokes everything you granted it."""

    permission_classes = [TokenHasMethodScope, TokenHasUser]
    required_scopes = {"GET": ["authorizations:read"], "DELETE": ["authorizations:write"]}
    throttle_classes = TOKEN_THROTTLES

    @extend_schema(responses=AuthorizationSerializer, summary="One application you authorized")
    def get(self, request, client_id):
        return Response(AuthorizationSerializer(authorization_get(user=request.user, client_id=client_id)).data)

    @extend_schema(responses={204: None}, summary="Revoke an application")
    def delete(self, request, client_id):
        authorization = authorization_get(user=request.user, client_id=client_id)
        authorization_revoke(user=request.user, application=authorization.application)
        return Response(status=status.HTTP_204_NO_CONTENT)


# USER DIRECTORY (machine to machine)
# ------------------------------------------------------------------------------
class _DirectoryMixin(NoStoreMixin):
    """Read-only account directory for provisioning, for client-credentials tokens with users:read."""

    permission_classes = [TokenHasMethodScope, TokenHasNoUser]
    required_scopes = ["users:read"]
    throttle_classes = TOKEN_THROTTLES
    serializer_class = DirectoryUserSerializer

    def get_queryset(self):
        return user_directory_list()


@extend_schema(tags=["users"])
class UserListView(_DirectoryMixin, generics.ListAPIView):
    """Every account, by username; search by username, name or email, or filter on is_active."""

    pagination_class = ApiPagination
    filter_backends = [BooleanFilter, SearchFilter, OrderingFilter]
    boolean_filters = {"is_active": ("Only active (true) or deactivated (false) accounts.", lambda v: Q(is_active=v))}
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "date_joined"]
    ordering = ["username"]


@extend_schema(tags=["users"])
class UserDetailView(_DirectoryMixin, generics.RetrieveAPIView):
    """One account by id."""


# UNKNOWN PATHS
# ------------------------------------------------------------------------------
@extend_schema(exclude=True)
class NotFoundView(NoStoreMixin, APIView):
    """Any other path under /api/: the API's JSON 404 rather than the site's HTML page."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        # Raised before a handler is looked up, so every method gets 404, never a 405 that hints at more.
        super().initial(request, *args, **kwargs)
        raise NotFound
