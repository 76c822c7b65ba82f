"""The year's targets (年度目标) and the progress towards them.

Modules: ``tracking`` (``progress``, per block, month by month), ``definitions`` (the tracked
targets, validating and saving a year's table), ``counting`` (what dated targets count on a
day), ``reported`` (targets read from the year-to-date reports).
"""
