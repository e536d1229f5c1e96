"""Paging: every item of a paged list operation, fetched page by page as the caller iterates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Iterator, List, Optional, Tuple, TypeVar

if TYPE_CHECKING:
    from .api_client import ApiClient, PagedRequest

Item = TypeVar("Item")


class Pages(Generic[Item]):
    """Iterates over every item of every page; `total` is the number the server reports.

    Each page starts after the items received so far, so a server that caps the page size
    (Airflow: at 100, silently) neither skips nor repeats items.
    """

    def __init__(self, client: ApiClient, request: PagedRequest[Any, Item]) -> None:
        self._client = client
        self._request = request
        self._first: Optional[Tuple[List[Item], Optional[int]]] = None

    @property
    def total(self) -> Optional[int]:
        """How many items match in all, as the server reported it (fetches the first page)."""
        return self._first_page()[1]

    def __iter__(self) -> Iterator[Item]:
        offset = self._request.offset()
        items, total = self._first_page()
        while True:
            yield from items
            offset += len(items)
            if not items or (total is not None and offset >= total):
                return
            items, total = self._fetch(offset)

    def _first_page(self) -> Tuple[List[Item], Optional[int]]:
        if self._first is None:
            self._first = self._fetch(self._request.offset())
        return self._first

    def _fetch(self, offset: int) -> Tuple[List[Item], Optional[int]]:
        paging = self._request.paging
        page = self._client.send(self._request.at_offset(offset)).data
        return list(getattr(page, paging.items) or []), getattr(page, paging.total)
