"""A wide table scrolls inside its wrapper; a keyboard user must be able to reach that
scroll region (axe `scrollable-region-focusable`, WCAG 2.1.1), and a screen reader must hear
what it holds. So every table wrapper of every template is focusable, a region, and named."""

from __future__ import annotations

import re

from portal.core.settings import PROJECT_ROOT

WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\bportal-table-wrapper\b[^\"]*\"[^>]*>")


def test_every_table_scroll_region_is_focusable_and_named() -> None:
    wrappers = 0
    missing = []
    for template in sorted((PROJECT_ROOT / "templates").rglob("*.html")):
        for tag in WRAPPER.findall(template.read_text(encoding="utf-8")):
            wrappers += 1
            named = re.search(r'\baria-label="[^"]+"|\baria-labelledby="[^"]+"', tag)
            if 'tabindex="0"' not in tag or 'role="region"' not in tag or not named:
                missing.append(f"{template.relative_to(PROJECT_ROOT)}: {tag}")
    assert wrappers > 20, "the scan found too few table wrappers to be looking in the right place"
    assert not missing, "\n".join(missing)
