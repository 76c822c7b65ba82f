"""Vacant-plant reuse (盘活闲置厂房): ``run`` matches firms to idle spaces; ``scenarios`` saves runs."""
