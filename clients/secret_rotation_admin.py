"""Admin pages for client-secret rotation: generate a new secret (shown once), retire the replaced one."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from clients.models import Application, ClientSecretRotation
from clients.secret_rotation import DEFAULT_OVERLAP, MAX_OVERLAP, client_secret_retire, client_secret_rotate


class SecretRotationForm(forms.Form):
    """How long the current secret keeps working next to the new one."""

    overlap_days = forms.IntegerField(
        label=_("Keep accepting the current secret for (days)"),
        min_value=0,
        max_value=MAX_OVERLAP.days,
        initial=DEFAULT_OVERLAP.days,
        help_text=_(
            "Long enough to deploy the new secret everywhere the client runs. "
            "0 stops the current secret at once: use it when the secret has leaked."
        ),
    )


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _status(rotation: ClientSecretRotation) -> str:
    if rotation.retired_at:
        return gettext("retired %(when)s by %(who)s") % {
            "when": _when(rotation.retired_at),
            "who": rotation.retired_by or "?",
        }
    if not rotation.previous_secret_accepted:
        return gettext("expired")
    retire_url = reverse("admin:clients_application_retire_secret", args=[rotation.application_id, rotation.pk])
    return format_html('{} · <a href="{}">{}</a>', gettext("still accepted"), retire_url, gettext("Retire now"))


class SecretRotationAdminMixin(admin.ModelAdmin):
    """Adds to the client admin: a "Generate new secret" page, the rotation history, and retiring old secrets."""

    # The history is a read-only field rather than an inline: it adds nothing the change form must post back.
    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.client_type == Application.CLIENT_CONFIDENTIAL:
            fieldsets.append((_("Secret rotations"), {"fields": ["secret_rotation_history"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "secret_rotation_history"]

    @admin.display(description=_("history"))
    def secret_rotation_history(self, client: Application) -> str:
        """Every rotation, newest first: who, when, and whether the replaced secret still works."""
        rotations = client.secret_rotations.select_related("rotated_by", "retired_by")
        if not rotations:
            return gettext("Never rotated.")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (_when(rotation.rotated_at), rotation.rotated_by or "?", _when(rotation.expires_at), _status(rotation))
                for rotation in rotations
            ),
        )
        return format_html(
            '<table id="secret-rotations"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            gettext("rotated"),
            gettext("by"),
            gettext("replaced secret accepted until"),
            gettext("replaced secret"),
            rows,
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/rotate-secret/",
                wrap(self.rotate_secret_view),
                name="clients_application_rotate_secret",
            ),
            path(
                "<path:object_id>/secret-rotations/<int:rotation_id>/retire/",
                wrap(self.retire_secret_view),
                name="clients_application_retire_secret",
            ),
            *super().get_urls(),
        ]

    def _changeable_client(self, request, object_id: str) -> Application:
        client = self.get_object(request, unquote(object_id))
        if client is None:
            raise Http404(gettext("No such client."))
        if not self.has_change_permission(request, client):
            raise PermissionDenied
        return client

    def _page_context(self, request, client: Application, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "application": client,
            "original": client,
            "opts": self.model._meta,
            "change_url": reverse("admin:clients_application_change", args=[client.pk]),
        }

    @sensitive_variables("plain_secret")
    def rotate_secret_view(self, request, object_id: str):
        client = self._changeable_client(request, object_id)
        if client.client_type != Application.CLIENT_CONFIDENTIAL:
            messages.error(request, gettext("A public client has no secret to rotate."))
            return redirect("admin:clients_application_change", client.pk)
        form = SecretRotationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            overlap = timedelta(days=form.cleaned_data["overlap_days"])
            plain_secret, rotation = client_secret_rotate(
                application=client, rotated_by=request.user, overlap=overlap, request=request
            )
            # The admin history gets the fact of the rotation, never the secret (the service audits it).
            self.log_change(request, client, [{"changed": {"fields": ["client secret (rotated)"]}}])
            context = {
                **self._page_context(request, client, gettext("New client secret")),
                "client_secret": plain_secret,
                "rotation": rotation,
            }
            response = TemplateResponse(request, "admin/clients/application/secret_rotated.html", context)
            # Shown exactly once: no browser, proxy or back-button cache may keep the page.
            add_never_cache_headers(response)
            return response
        context = {**self._page_context(request, client, gettext("Generate a new client secret")), "form": form}
        return TemplateResponse(request, "admin/clients/application/rotate_secret.html", context)

    def retire_secret_view(self, request, object_id: str, rotation_id: int):
        client = self._changeable_client(request, object_id)
        rotation = get_object_or_404(ClientSecretRotation, pk=rotation_id, application=client)
        if request.method == "POST":
            if client_secret_retire(rotation=rotation, retired_by=request.user, request=request):
                self.log_change(request, client, [{"changed": {"fields": ["previous client secret (retired)"]}}])
                messages.success(request, gettext("The replaced secret no longer works. Only the current one does."))
            else:
                messages.info(request, gettext("That secret had already stopped working."))
            return redirect("admin:clients_application_change", client.pk)
        context = {**self._page_context(request, client, gettext("Retire the replaced secret")), "rotation": rotation}
        return TemplateResponse(request, "admin/clients/application/retire_secret.html", context)
