"""Rebuild Chinese policy notices (PDF or text dump) as structured, schema-validated JSON.

Wings, each a subpackage: `stages` (load -> text -> tables -> layout -> structure -> records ->
confidence, each a module with one job, PDF and text-dump siblings where they differ), `common`
(helpers below the stages), `engines` (rendering, raster rulings, the OCR runtime), `store`
(the versioned store: files, catalog, series, validation, migration) and `review` (diffs).
`extract.model` holds the typed models, `extract.settings` every setting, `extract.pipeline`
composes the stages, `extract.batch` runs a folder, `extract.cli` is the command line.
"""

__version__ = "0.5.0"
