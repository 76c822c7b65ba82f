"""Parcels (地块): what a parcel is, what happens to it, and how to find it.

Modules: ``tables`` (areas, enriched parcel tables, status summaries), ``lifecycle`` (status
changes and their checks, date parsing), ``deadlines`` (agreed dates, overdue and idle land),
``bulk_update`` (status changes from a spreadsheet, the parcel export), ``history`` (status
events and the park as of a date), ``changes`` (what changed between two dates), ``search``
(the search box's index).
"""
