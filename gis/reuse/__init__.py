"""Vacant-plant reuse (盘活闲置厂房, domain.md §3.3): match candidate firms to idle spaces.

Modules: ``run`` (``run_scenario``/``rerun``, the one call a page or notebook needs),
``config`` (reference data, filters, ``ReuseConfig``), ``matrix`` (filters and scores of every
pair), ``assignment`` (optimal and greedy assignment, ``match``), ``effects`` (spaces offered,
per-parcel and park effects, predicted classes, target progress), ``candidates`` (validating
and saving the candidate table), ``scenarios`` (saved scenarios and their comparison).
"""
