"""Data → folium objects: one module per map layer, the legend, and the offline assets.

Nothing here loads data or imports streamlit; every function takes frames and returns
folium elements, so the HTML can be inspected in tests without a browser.
"""
