"""Claim units: unit and currency vocabularies and normalisation to canonical units (pint's names and factors)."""

from __future__ import annotations

UNITS = {
    "square kilometers": ("square_kilometer", "area"), "square kilometres": ("square_kilometer", "area"),
    "square km": ("square_kilometer", "area"), "sq km": ("square_kilometer", "area"), "km2": ("square_kilometer", "area"),
    "km²": ("square_kilometer", "area"), "square miles": ("square_mile", "area"), "sq mi": ("square_mile", "area"),
    "square meters": ("square_meter", "area"), "square metres": ("square_meter", "area"),
    "hectares": ("hectare", "area"), "acres": ("acre", "area"),
    "kilometers": ("kilometer", "length"), "kilometres": ("kilometer", "length"), "km": ("kilometer", "length"),
    "nautical miles": ("nautical_mile", "length"), "miles": ("mile", "length"), "mi": ("mile", "length"),
    "meters": ("meter", "length"), "metres": ("meter", "length"), "m": ("meter", "length"),
    "feet": ("foot", "length"), "ft": ("foot", "length"), "yards": ("yard", "length"),
    "centimeters": ("centimeter", "length"), "cm": ("centimeter", "length"), "inches": ("inch", "length"),
    "metric tons": ("metric_ton", "mass"), "metric tonnes": ("metric_ton", "mass"), "pounds": ("pound", "mass"),
    "lbs": ("pound", "mass"), "lb": ("pound", "mass"),
    "tonnes": ("metric_ton", "mass"), "tons": ("metric_ton", "mass"), "kilograms": ("kilogram", "mass"),
    "kg": ("kilogram", "mass"), "grams": ("gram", "mass"),
    "liters": ("liter", "volume"), "litres": ("liter", "volume"), "gallons": ("gallon", "volume"),
    "barrels": ("oil_barrel", "volume"), "cubic meters": ("cubic_meter", "volume"),
    "km/h": ("kilometer_per_hour", "speed"), "kph": ("kilometer_per_hour", "speed"), "mph": ("mile_per_hour", "speed"),
    "knots": ("knot", "speed"),
    "megawatts": ("megawatt", "power"), "mw": ("megawatt", "power"), "gigawatts": ("gigawatt", "power"),
    "gw": ("gigawatt", "power"), "kilowatts": ("kilowatt", "power"),
    "degrees celsius": ("degree_Celsius", "temperature"), "°c": ("degree_Celsius", "temperature"),
    "degrees fahrenheit": ("degree_Fahrenheit", "temperature"), "°f": ("degree_Fahrenheit", "temperature"),
    "seconds": ("second", "duration"), "minutes": ("minute", "duration"), "hours": ("hour", "duration"),
    "days": ("day", "duration"), "weeks": ("week", "duration"), "months": ("month", "duration"),
    "years": ("year", "duration"), "decades": ("decade", "duration"),
}
# singular forms, as in hyphenated adjectives ("a 32-metre dam", "a 2.5-mile levee", "a 500-megawatt plant")
UNITS.update({
    "square kilometre": ("square_kilometer", "area"), "square kilometer": ("square_kilometer", "area"),
    "square mile": ("square_mile", "area"), "square metre": ("square_meter", "area"), "square meter": ("square_meter", "area"),
    "hectare": ("hectare", "area"), "acre": ("acre", "area"),
    "kilometre": ("kilometer", "length"), "kilometer": ("kilometer", "length"), "mile": ("mile", "length"),
    "metre": ("meter", "length"), "meter": ("meter", "length"), "foot": ("foot", "length"), "yard": ("yard", "length"),
    "centimetre": ("centimeter", "length"), "centimeter": ("centimeter", "length"), "inch": ("inch", "length"),
    "tonne": ("metric_ton", "mass"), "ton": ("metric_ton", "mass"), "kilogram": ("kilogram", "mass"),
    "pound": ("pound", "mass"), "litre": ("liter", "volume"), "liter": ("liter", "volume"), "gallon": ("gallon", "volume"),
    "megawatt": ("megawatt", "power"), "gigawatt": ("gigawatt", "power"), "kilowatt": ("kilowatt", "power"),
})
# what every dimension is normalised to (pint names); durations keep their own unit
CANONICAL = {"length": "kilometer", "area": "square_kilometer", "mass": "metric_ton", "volume": "liter",
              "speed": "kilometer_per_hour", "power": "megawatt", "temperature": "degree_Celsius"}
CURRENCY_SYMBOLS = {"us$": "USD", "$": "USD", "c$": "CAD", "a$": "AUD", "€": "EUR", "£": "GBP", "¥": "JPY",
                     "₹": "INR", "₽": "RUB", "₴": "UAH"}
CURRENCY_WORDS = {"dollars": "USD", "us dollars": "USD", "euros": "EUR", "euro": "EUR", "pounds sterling": "GBP",
                   "hryvnias": "UAH", "hryvnia": "UAH", "rubles": "RUB", "roubles": "RUB", "yuan": "CNY",
                   "yen": "JPY", "rupees": "INR", "usd": "USD", "eur": "EUR", "gbp": "GBP"}


# unit -> factor to its dimension's canonical unit: pint's own factors (`UnitRegistry().Quantity(1.0, unit)
# .to(canonical)`), so `value * factor` equals pint's conversion bit for bit; importing pint and building its
# registry cost ~0.45 CPU s (pint imports Dask's modules when Dask is installed) for ~20 fixed factors
_FACTORS = {
    "acre": 0.004046872609874251, "centimeter": 1e-05, "cubic_meter": 999.9999999999999, "foot": 0.0003048,
    "gallon": 3.785411783999999, "gigawatt": 1000.0, "gram": 1e-06, "hectare": 0.01, "inch": 2.54e-05,
    "kilogram": 0.001, "kilowatt": 0.001, "knot": 1.852, "meter": 0.001, "mile": 1.609344, "mile_per_hour": 1.609344,
    "nautical_mile": 1.852, "oil_barrel": 158.98729492799993, "pound": 0.00045359237000000004,
    "square_meter": 1e-06, "square_mile": 2.589988110336, "yard": 0.0009144,
}


def convert(value: float, unit: str, target: str) -> float:
    """`value` in `unit` expressed in its canonical `target` (KeyError for a pair with no factor)."""
    if unit == "degree_Fahrenheit" and target == "degree_Celsius":
        return (value - 32) * 5 / 9
    if target != CANONICAL[_UNITS_DIM[unit]]:
        raise KeyError(f"{unit} -> {target}")
    return value * _FACTORS[unit]


_UNITS_DIM = {unit: dim for unit, dim in UNITS.values()}
# pint's spelling of the compound units (for checking the factors against pint)
_PINT_NAMES = {"square_kilometer": "kilometer**2", "square_mile": "mile**2", "square_meter": "meter**2",
               "cubic_meter": "meter**3", "kilometer_per_hour": "kilometer/hour", "mile_per_hour": "mile/hour"}
