"""Pagination of the site's lists."""

from django.core.paginator import EmptyPage, Paginator


class ForgivingPaginator(Paginator):
    """A page number past the end shows the last page (and one below 1 the first), instead of a 404: a link to
    page 9 of a list that has shrunk to 3 pages still shows something. Every paginated list uses it
    (`paginator_class`). A page "number" that is not a number stays a 404."""

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            return self.num_pages if int(number) > 1 else 1
