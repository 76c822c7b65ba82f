"""The half-year / yearly work-report draft (.docx) the committee edits (issue #17).

:mod:`.figures` computes the report's numbers for a period and as-of date from the store's
frames (through :mod:`gis.targets`, :mod:`gis.parcels.history`, :mod:`gis.efficiency`,
:mod:`gis.parcels.lifecycle`, :mod:`gis.onboarding`), each with how and from which records it was
computed, or a marked gap; :mod:`.text` writes them as the committee's sentences;
:mod:`.docx` lays them out per GB/T 9704-2012 with python-docx.
"""
