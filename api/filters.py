"""Query-string filters for API lists that DRF's search and ordering filters do not cover."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


class BooleanFilter(BaseFilterBackend):
    """``?name=true|false`` for each entry of the view's ``boolean_filters``: {name: (description, q_for_value)}."""

    def filter_queryset(self, request, queryset, view):
        for name, (_description, q_for_value) in view.boolean_filters.items():
            raw = request.query_params.get(name)
            if raw is None:
                continue
            if raw.lower() in _TRUE:
                queryset = queryset.filter(q_for_value(True))
            elif raw.lower() in _FALSE:
                queryset = queryset.filter(q_for_value(False))
            else:
                raise ValidationError({name: [_("Use true or false.")]})
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": str(description),
                "schema": {"type": "boolean"},
            }
            for name, (description, _q) in view.boolean_filters.items()
        ]
