"""Server-side pagination shared by every list page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

PAGE_SIZE = 25


@dataclass(frozen=True)
class PageRequest:
    number: int = 1
    size: int = PAGE_SIZE

    @classmethod
    def parse(cls, raw: object, size: int = PAGE_SIZE) -> PageRequest:
        try:
            number = int(str(raw))
        except ValueError:
            number = 1
        return cls(number=max(1, min(number, 100_000)), size=size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def with_links(self, path: str, params: dict[str, str]) -> PageLinks:
        def href(number: int) -> str:
            query = {k: v for k, v in params.items() if v}
            query["pagina"] = str(number)
            return f"{path}?{urlencode(query)}"

        return PageLinks(
            number=self.number,
            pages=self.pages,
            total=self.total,
            prev_href=href(self.number - 1) if self.number > 1 else None,
            next_href=href(self.number + 1) if self.number < self.pages else None,
        )


@dataclass(frozen=True)
class PageLinks:
    number: int
    pages: int
    total: int
    prev_href: str | None
    next_href: str | None
