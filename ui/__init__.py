"""Streamlit glue shared by app.py and the pages: the sidebar, cached data, the map view.

This is the only package besides ``pages/`` and ``app.py`` that imports streamlit.
"""
