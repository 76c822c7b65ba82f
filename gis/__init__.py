"""Park One-Map domain core: pure, typed functions on GeoDataFrames.

Nothing in this package imports streamlit (a test enforces it).
"""
