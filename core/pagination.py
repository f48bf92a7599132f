"""Pagination of large lists: a page's keys first, then only that page's rows."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django_tables2.rows import BoundRows


class KeyFirstPaginator(Paginator):
    """A paginator for django-tables2 tables that reads a page's primary keys before its rows.

    With a plain OFFSET the database builds every skipped row, joins included, so page 200
    of a queue cost three times page 1; and when the order cannot come from an index, even
    page 1 sorted whole rows. Reading only the keys lets the database sort and skip inside
    a covering index; the page's own rows are then fetched by key with their joins. One
    more query per page, whatever the page or the size of the list.
    """

    def page(self, number):
        """The page `number`, its rows read by key when it is not the first."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        queryset = _queryset_of(rows)
        if queryset is None:
            # A table over a list has no keys to read.
            return self._get_page(rows[bottom:top], number, self)
        queryset = with_key_tiebreak(queryset)
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        # The same ordering applies, so the rows come back in page order.
        page_rows = BoundRows(
            data=queryset.filter(pk__in=keys), table=rows.table, pinned_data=rows.pinned_data
        )
        return self._get_page(page_rows, number, self)


def with_key_tiebreak(queryset: QuerySet) -> QuerySet:
    """The queryset ordered as before, then by primary key, so every row has one place.

    Ordered by a column with ties (a flag, a council), a database may return the tied rows
    in any order, and differently from one query to the next (PostgreSQL does): the same
    row could then show on two pages and another on none.
    """
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if any(isinstance(term, str) and term.lstrip("-") in ("pk", "id") for term in ordering):
        return queryset
    return queryset.order_by(*ordering, "pk")


def _queryset_of(rows) -> QuerySet | None:
    """The ordered queryset behind a table's rows, or None when the table holds a list."""
    data = getattr(getattr(rows, "data", None), "data", None)
    return data if isinstance(data, QuerySet) else None
