"""Meeting mode: what a management-committee meeting looks at and takes away.

Modules: ``views`` (saved map views stepped through like slides), ``annotations`` (decisions
sketched on the map), ``pack`` (key figures and the pack's tables), ``pack_files`` (the pack
as PDF and workbook), ``pack_map`` (the pack's map page), ``pack_style`` (fonts, page, options).
"""
