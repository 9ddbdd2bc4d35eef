"""Page weight: what a page's first load transfers (compressed, as sent), per page and role.

Run against a server started as the demo is (scripts/demo: debug off, hashed and compressed
static files):

    .venv/bin/python bench/page_weight.py --base http://127.0.0.1:8000 --user city \\
        /dashboard/ /dashboard/map/ /dashboard/screen/

Prints each page's request count, transferred kilobytes (first load, empty cache) and the
kilobytes of a second load (cached static files), and the largest responses. Issue 10's
target: the city dashboard's first load ≤ 500 KB.
"""

import argparse
import sys

from playwright.sync_api import sync_playwright

PASSWORD = "Wangge@2026"  # noqa: S105 (the demo's published password)


def load(context, url: str) -> tuple[int, int, list[tuple[int, str]]]:
    page = context.new_page()
    sizes: list[tuple[int, str]] = []

    def on_finished(request):
        try:
            s = request.sizes()
        except Exception:  # noqa: BLE001
            return
        sizes.append((s["responseBodySize"] + s["responseHeadersSize"], request.url))

    page.on("requestfinished", on_finished)
    page.goto(url, wait_until="networkidle")
    page.close()
    return len(sizes), sum(n for n, _ in sizes), sorted(sizes, reverse=True)[:5]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="city")
    parser.add_argument("--budget-kb", type=int, default=500)
    parser.add_argument("paths", nargs="*", default=["/dashboard/", "/dashboard/map/"])
    args = parser.parse_args()
    over = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{args.base}/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        page.close()
        for path in args.paths:
            count, first, largest = load(context, args.base + path)
            _, again, _ = load(context, args.base + path)
            flag = "" if first <= args.budget_kb * 1024 else "  OVER BUDGET"
            over += bool(flag)
            print(f"{path}: {count} requests, first load {first / 1024:.0f} KB, "
                  f"again {again / 1024:.0f} KB{flag}")
            for size, url in largest:
                print(f"    {size / 1024:7.1f} KB  {url.removeprefix(args.base)[:90]}")
        browser.close()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
