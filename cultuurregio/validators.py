"""Validators the models of several apps share."""

from django.core.validators import MaxValueValidator, MinValueValidator

# A plan's years, an action's timing and a report's period: four digits, this century.
year_validators = [MinValueValidator(2000), MaxValueValidator(2100)]
