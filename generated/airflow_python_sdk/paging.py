"""Paging: every item of a paged list operation, fetched page by page as the caller iterates."""

from __future__ import annotations

from typing import Any, Callable, Generic, Iterator, List, Optional, Sequence, Tuple, TypeVar

from .wire import Request, with_fields

T = TypeVar("T")
Item = TypeVar("Item")


class Paging(Generic[T, Item]):
    """How a list operation pages: where a page keeps its items and total, and how to ask
    for the next page (by an offset in the query or the body, or by a cursor the page gives).

    Args:
        items: Gives a page's items.
        total: The page's field counting every match, if any.
        offset: The query parameter or body field that says where a page starts.
        cursor: The query parameter that takes a cursor (an empty one asks for the first page).
        next_cursor: The page's field with the next page's cursor (null on the last page).
    """

    __slots__ = ("items", "total", "offset", "cursor", "next_cursor")

    def __init__(
        self,
        items: Callable[[T], Optional[Sequence[Item]]],
        *,
        total: Optional[str] = None,
        offset: Optional[str] = None,
        cursor: Optional[str] = None,
        next_cursor: Optional[str] = None,
    ) -> None:
        self.items = items
        self.total = total
        self.offset = offset
        self.cursor = cursor
        self.next_cursor = next_cursor


class Pages(Generic[Item]):
    """Iterates over every item of every page; `total` is the number the server reports.

    Offset paging starts each page after the items received so far, so a server that caps the
    page size (Airflow: at 100, silently) neither skips nor repeats items; it stops at an empty
    page or at the total. Cursor paging follows the cursors until the last page; where an
    operation takes both, an offset the caller gives means offset paging.
    """

    def __init__(
        self, fetch: Callable[[Request[Any]], Any], request: Request[Any], paging: Paging[Any, Item]
    ) -> None:
        self._fetch_page = fetch
        self._request = request
        self._paging = paging
        self._first: Optional[Tuple[List[Item], Any]] = None

    @property
    def total(self) -> Optional[int]:
        """How many items match in all, as the server reported it (fetches the first page)."""
        return self._total(self._first_page()[1])

    def __iter__(self) -> Iterator[Item]:
        if self._by_cursors():
            return self._by_cursor()
        return self._by_offset()

    def _by_cursors(self) -> bool:
        """Cursor paging, unless the caller asked for an offset the operation also takes."""
        return bool(self._paging.cursor) and not (self._paging.offset and self._offset())

    def _by_offset(self) -> Iterator[Item]:
        offset = self._offset()
        items, page = self._first_page()
        while True:
            yield from items
            offset += len(items)
            total = self._total(page)
            if not items or (total is not None and offset >= total):
                return
            items, page = self._fetch(self._at(offset))

    def _by_cursor(self) -> Iterator[Item]:
        items, page = self._first_page()
        while True:
            yield from items
            cursor = getattr(page, str(self._paging.next_cursor))
            if not items or not cursor:
                return
            items, page = self._fetch(self._at(cursor))

    def _first_page(self) -> Tuple[List[Item], Any]:
        if self._first is None:
            start = self._cursor() if self._by_cursors() else self._offset()
            self._first = self._fetch(self._at(start))
        return self._first

    def _fetch(self, request: Request[Any]) -> Tuple[List[Item], Any]:
        page = self._fetch_page(request)
        return list(self._paging.items(page) or ()), page

    def _total(self, page: Any) -> Optional[int]:
        return getattr(page, self._paging.total) if self._paging.total else None

    def _offset(self) -> int:
        name = str(self._paging.offset)
        if not self._paging.offset:
            return 0
        if name in self._request.query:
            return int(self._request.query[name] or 0)
        return int(getattr(self._request.body, name, None) or 0)

    def _cursor(self) -> str:
        return str(self._request.query.get(str(self._paging.cursor)) or "")

    def _at(self, position: Any) -> Request[Any]:
        """The request for the page at an offset or cursor (in the query, or the body)."""
        name = str(self._paging.cursor if self._by_cursors() else self._paging.offset)
        if name in self._request.query or self._request.body is None:
            return self._request.replace(query={**self._request.query, name: position})
        return self._request.replace(body=with_fields(self._request.body, **{name: position}))
