"""The seed's disclosure page rendered without any cache, against a plain template loop.

    .venv/bin/python bench/page_render.py [--repeat 30]

Measured in one process on a throwaway SQLite database holding the seed (玉溪市信访局 2021,
published, checks run), interleaved so that background load slows both alike:

- page, uncached: GET /disclosures/2021/yuxi-xinfang/ through Django's test client (the
  whole middleware stack), with the cache emptied before each request — no stored page,
  no stored body fragment;
- reference: the same rows read by `selectors.disclosure_tables` and printed by a plain
  Django template loop (`<table>` per table, `<tr>` per row, `<td>` per cell with its text);
- page from the fragment cache (the body stored, the page around it rendered), and the page
  from the page cache (what an anonymous reader gets once someone has asked for it).

Target: page uncached ≤ 3 × reference.
"""

import argparse
import statistics

from _throwaway_db import django_with_empty_database, once, publish_seed

PLAIN = (
    "{% for t in tables %}<table>{% for row in t.rows %}<tr>{% for c in row.cells %}"
    "<td>{{ c.text }}</td>{% endfor %}</tr>{% endfor %}</table>{% endfor %}"
)
URL = "/disclosures/2021/yuxi-xinfang/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    django_with_empty_database()

    from django.conf import settings
    from django.core.cache import cache
    from django.template import engines
    from django.test import Client, override_settings

    from disclosure import selectors
    from disclosure.models import Disclosure

    pk = publish_seed().pk
    plain = engines["django"].from_string(PLAIN)
    client = Client(HTTP_HOST="127.0.0.1")
    settings.SECURE_SSL_REDIRECT = False
    # Unhashed static names: no `collectstatic` for a benchmark run in one process.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    def page() -> None:
        assert client.get(URL).status_code == 200

    def uncached() -> None:
        cache.clear()
        page()

    def fragment_only() -> None:
        with override_settings(PORTAL_PAGE_CACHE_SECONDS=0):
            page()

    def reference() -> None:
        d = Disclosure.objects.select_related("department", "year").get(pk=pk)
        plain.render({"tables": selectors.disclosure_tables(d)})

    for fn in (uncached, reference):  # warm: templates compiled, layout read
        fn()
    measured: dict[str, list[float]] = {"uncached": [], "reference": []}
    for _ in range(args.repeat):
        measured["uncached"].append(once(uncached))
        measured["reference"].append(once(reference))
    page()
    measured["fragment cache"] = [once(fragment_only) for _ in range(args.repeat)]
    measured["page cache"] = [once(page) for _ in range(args.repeat)]

    d = Disclosure.objects.get(pk=pk)
    views = selectors.disclosure_tables(d)
    cells = sum(len(r.cells) for v in views for r in v.rows)
    cache.clear()
    size = len(client.get(URL).content)
    ref = statistics.median(measured["reference"])
    print(f"seed page: {len(views)} tables, {cells} printed cells, {size / 1024:.0f} KiB of HTML")
    print(f"median of {args.repeat} runs each")
    print("| measurement | median | min | max | ratio to reference |")
    print("|---|---:|---:|---:|---:|")
    for label, key in [
        ("reference: rows + plain template loop", "reference"),
        ("page, uncached (nothing in the cache)", "uncached"),
        ("page, body from the fragment cache", "fragment cache"),
        ("page from the page cache", "page cache"),
    ]:
        times = measured[key]
        med = statistics.median(times)
        print(
            f"| {label} | {med * 1000:.1f} ms | {min(times) * 1000:.1f} ms "
            f"| {max(times) * 1000:.1f} ms | {med / ref:.2f}× |"
        )
    pairs = [u / r for u, r in zip(measured["uncached"], measured["reference"], strict=True)]
    print(
        f"uncached / reference per repetition: median {statistics.median(pairs):.2f}, "
        f"min {min(pairs):.2f}, max {max(pairs):.2f}"
    )


if __name__ == "__main__":
    main()
