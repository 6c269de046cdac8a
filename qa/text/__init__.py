"""Canonical text: numbers as printed, cleaning with an offset map, token counts, structure-aware chunks."""
