from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=2&page_size=100`; PORTAL_API_PAGE_SIZE items by default, at most 200."""

    page_size_query_param = "page_size"
    max_page_size = 200
