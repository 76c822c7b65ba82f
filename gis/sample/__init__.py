"""The deterministic sample park (示意数据, illustrative, not survey data).

Modules: ``park`` (``build_sample_park``, every layer from one seed), ``plan`` (dates, blocks,
parcel profiles, shared draw helpers), ``geometry`` (ground, parcels, buildings, vacant spaces),
``history`` (status timelines and events), ``enterprises`` (firms, yearly figures, candidates),
``figures`` (monthly periods, adjustments, the year's targets).
"""
