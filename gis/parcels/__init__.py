"""Parcels: tables, life cycle, history, changes and search."""
