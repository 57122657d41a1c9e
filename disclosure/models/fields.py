"""The one money field: Decimal to the cent, wide enough for a province's totals in 元."""

from django.db import models


def MoneyField(verbose_name: str = "", **kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", 20)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)
