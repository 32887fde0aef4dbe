"""Rebuild Chinese policy notices (PDF or text dump) as structured, schema-validated JSON.

Wings, each a subpackage: `stages` (load -> text -> tables -> layout -> structure -> records ->
confidence, each a module with one job, PDF and text-dump siblings where they differ), `common`
(helpers below the stages), `engines` (rendering, raster rulings, the OCR runtime), `store`
(the versioned store: files, catalog, series, validation, migration) and `review` (diffs).
`extract.model` holds the typed models, `extract.settings` every setting, `extract.pipeline`
composes the stages, `extract.batch` runs a folder, `extract.cli` is the command line.
"""

__version__ = "0.16.10"


def load_records(kind: str, store=None, all_versions: bool = False):
    """The store's records of one kind (`subsidy_standards`, `training_institutions`; or
    `notices`, `table_cells`) as a pandas DataFrame: each row with its notice's id, version,
    series and source file (`extract.export`). The latest version of each notice unless
    `all_versions`; `store` defaults to `data/structured/`."""
    from extract.config import STRUCTURED_DIR
    from extract.export import load_records as from_store

    return from_store(kind, store or STRUCTURED_DIR, all_versions)
