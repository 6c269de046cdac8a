"""Figures of plans: the vocabulary (``vocab``), indicator names (``indicators``), and the one reader
(``reader``: prose sentences via ``prose``, indicator tables via ``table``) that turns a document into
``Statement``s at ingest."""
