"""亩均 efficiency evaluation (domain.md §1): every firm's indicators, score and class A–D.

Modules: ``evaluation`` (``evaluate``, the evaluation table and its columns), ``config``
(indicators, classes, ``EfficiencyConfig`` and its settings), ``scores`` (eligibility,
benchmarks, scores), ``classes`` (cut-offs, predicted classes, counts), ``supervision`` (key
supervision rules and the comparison pool), ``adjustments`` (加分/减分 and overrides).
"""
