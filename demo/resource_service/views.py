"""The example service's views: declarations of the scopes they need; the token was verified offline."""

from rest_framework.response import Response
from rest_framework.views import APIView


class ReportView(APIView):
    """A report for the caller: who the verified token speaks for, and what it allows."""

    required_scopes = ["users:read"]

    def get(self, request):
        token = request.auth
        return Response(
            {
                "sub": token.subject,
                "client_id": token.client_id,
                "scope": sorted(token.scopes),
                "jti": token.jti,
                "expires_at": int(token.expires_at),
            }
        )


class NotesSummaryView(APIView):
    """A view needing a scope the demo machine client may ask for but need not have."""

    required_scopes = ["notes:read"]

    def get(self, request):
        return Response({"notes": 0, "sub": request.auth.subject})
