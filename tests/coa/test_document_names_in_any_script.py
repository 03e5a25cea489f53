"""A document whose name is in Arabic or Tigrinya script downloads (it answered 500: a
header is Latin-1 on the wire). The name travels in RFC 6266's `filename*`, with an ASCII
stand-in in `filename`."""

from __future__ import annotations

import re
from urllib.parse import unquote

from litestar.testing import AsyncTestClient

from tests.coa.test_warme_overdracht import PDF, _upload, start_overdracht
from tests.conftest import login


async def test_documents_named_in_arabic_or_tigrinya_download(client: AsyncTestClient) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    for name in ("تقرير.pdf", "ሰነድ.pdf", 'brief "a";b.pdf'):
        assert (await _upload(client, path, name, PDF, "application/pdf")).status_code == 303
    page = (await client.get(path)).text
    links = dict(
        (text, href) for href, text in re.findall(rf'href="({path}/documenten/\d+)">([^<]+)<', page)
    )
    assert set(links) == {"تقرير.pdf", "ሰነድ.pdf", "brief ab.pdf"}
    for name, href in links.items():
        response = await client.get(href)
        assert response.status_code == 200, name
        assert response.content == PDF
        header = response.headers["content-disposition"]
        header.encode("ascii")  # nothing outside ASCII on the wire
        fallback = re.search(r'filename="([^"]*)"', header)[1]
        assert fallback.endswith(".pdf") and fallback.isascii()
        assert unquote(re.search(r"filename\*=UTF-8''(\S+)", header)[1]) == name
