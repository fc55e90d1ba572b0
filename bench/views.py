"""Reference endpoints: what Django and DRF cost on their own, and the same DRF view behind a bearer token."""

from django.http import HttpResponse
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import TokenHasMethodScope, TokenHasUser

BODY = {"ok": True}


def bare_django_view(request):
    """The floor: Django's full middleware stack and a fixed response, no DRF."""
    return HttpResponse(b'{"ok": true}', content_type="application/json")


class PlainDRFView(APIView):
    """DRF with no authentication at all: the ceiling a protected endpoint is measured against."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(BODY)


class ProtectedDRFView(APIView):
    """PlainDRFView behind the API's own authentication and permissions (as /api/me/): the price of a bearer token."""

    permission_classes = [TokenHasMethodScope, TokenHasUser]
    required_scopes = ["profile"]

    def get(self, request):
        return Response(BODY)
