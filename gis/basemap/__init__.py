"""Basemaps (#18): ``sources`` (天地图, XYZ/WMTS and local sources, checked and kept in the
settings; GCJ-02/BD-09 refused) and ``tiles`` (MBTiles files and tile folders read offline).
"""
