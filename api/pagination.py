"""Page-number pagination for API lists, with a client-chosen page size up to a ceiling."""

from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 100, so one request cannot pull a whole table)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
