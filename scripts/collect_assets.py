"""Copy the front-end libraries installed by npm into the app's static folder.

They are served by the app itself: government intranets reach no CDN. A library that
points to its source map (``sourceMappingURL``) gets the map copied next to it: production's
manifest storage rewrites that reference and refuses to build when its target is missing.
If a package ships no map, the dangling reference is removed from the copy instead.

ECharts is not copied whole (1.1 MB): ``assets/echarts.js`` names the charts and components
the pages use and esbuild (an npm package) bundles just those into ``vendor/echarts.min.js``.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
TARGET = ROOT / "wangge" / "web" / "static" / "vendor"

FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    "leaflet.markercluster/dist/leaflet.markercluster.js": "leaflet/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "leaflet/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css": "leaflet/MarkerCluster.Default.css",
    # Only the browser tests load it (accessibility checks); no page refers to it.
    "axe-core/axe.min.js": "axe.min.js",
}


SOURCE_MAP = re.compile(r"(?m)^(?://|/\*)# sourceMappingURL=(?P<url>[^\s*]+)[ \t]*(?:\*/)?[ \t]*$")


def copy_with_source_map(src: Path, dst: Path) -> None:
    """Copy one JS or CSS file and the source map it refers to (or drop the reference)."""
    shutil.copy2(src, dst)
    if src.suffix not in {".js", ".css"}:
        return
    text = dst.read_text(encoding="utf-8")
    for match in SOURCE_MAP.finditer(text):
        url = match["url"]
        if url.startswith("data:"):
            continue
        map_src = src.parent / url
        if "/" not in url and map_src.is_file():
            shutil.copy2(map_src, dst.parent / url)
        else:
            text = text.replace(match.group(0), "")
            dst.write_text(text, encoding="utf-8")


def build_echarts() -> int:
    """ECharts' modular build: only what assets/echarts.js imports, minified, no source map."""
    esbuild = MODULES / ".bin" / "esbuild"
    if not esbuild.exists():
        print(f"missing {esbuild}: run 'npm ci' first", file=sys.stderr)
        return 1
    result = subprocess.run(  # noqa: S603 (our own build step, fixed arguments)
        [str(esbuild), str(ROOT / "assets" / "echarts.js"), "--bundle", "--minify",
         "--format=iife", "--target=es2017", "--legal-comments=none", "--log-level=warning",
         f"--outfile={TARGET / 'echarts.min.js'}"],
        check=False,
    )
    return result.returncode


def main() -> int:
    for source, target in FILES.items():
        src, dst = MODULES / source, TARGET / target
        if not src.exists():
            print(f"missing {src}: run 'npm ci' first", file=sys.stderr)
            return 1
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            copy_with_source_map(src, dst)
    if build_echarts() != 0:
        return 1
    print(f"assets copied to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
