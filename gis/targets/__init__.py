"""The year's targets (年度目标): definitions and progress."""
