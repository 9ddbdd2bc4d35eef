"""Load the city's walking network from an OpenStreetMap extract (.osm.pbf, via pyrosm)
into the compact graph on disk, register it, and recompute coverage.

    manage.py facilities_load_network city.osm.pbf
    manage.py facilities_load_network --synthetic   # a generated grid over the demo city

The same file is the self-hosted basemap: the app serves the network's ways from it
(``facilities:basemap``); nothing is fetched from the internet."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wangge.facilities.network import graph_from_osm, network_dir
from wangge.facilities.services import network_register


class Command(BaseCommand):
    help = "载入步行路网（OpenStreetMap .osm.pbf）并重新计算生活圈覆盖"

    def add_arguments(self, parser):
        parser.add_argument("pbf", nargs="?", help="path of the .osm.pbf extract")
        parser.add_argument("--synthetic", action="store_true", help="generate a street grid over the city's grids")
        parser.add_argument("--name", default="", help="name shown on the pages")

    def handle(self, *args, pbf=None, synthetic=False, name="", **options):
        started = time.monotonic()
        if synthetic:
            from wangge.facilities.demo import synthetic_network_for_city

            graph = synthetic_network_for_city()
            if graph is None:
                raise CommandError("no grid has a polygon: nothing to fit a network to")
            source, label = "", name or "示意路网（生成）"
        else:
            if not pbf or not Path(pbf).is_file():
                raise CommandError("give the path of an .osm.pbf extract (or --synthetic)")
            graph = graph_from_osm(pbf)
            source, label = str(pbf), name or Path(pbf).name
        directory = network_dir()
        directory.mkdir(parents=True, exist_ok=True)
        filename = f"network-{int(time.time() * 1000)}.npz"
        graph.save(directory / filename)
        network = network_register(name=label, path=filename, graph=graph, source=source, synthetic=synthetic)
        for old in directory.glob("network-*.npz"):
            if old.name != filename:
                old.unlink(missing_ok=True)
        self.stdout.write(f"{network.nodes} nodes, {network.edges} edges → {directory / filename} "
                          f"({time.monotonic() - started:.1f} s)")
