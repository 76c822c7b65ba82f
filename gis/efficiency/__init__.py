"""亩均 efficiency evaluation (domain.md §1): ``evaluation.evaluate`` grades every firm."""
