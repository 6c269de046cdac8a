"""planqa: grounded question answering and briefs over Chinese regional five-year plans."""

__version__ = "0.1.0"
