"""The resource server's endpoints: each a declaration of authentication, permissions and scopes."""

from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import MeSerializer


class MeView(APIView):
    """The profile of the user who owns the access token."""

    permission_classes = [IsAuthenticated, TokenHasScope]
    required_scopes = ["profile"]

    def get(self, request):
        return Response(MeSerializer(request.user).data)
