"""Rebuild Chinese policy notices (PDF or text dump) as structured, schema-validated JSON.

Stages, each a module with one job: load -> ocr -> tables -> layout -> structure -> records ->
validate -> store. `extract.pipeline` composes them; `extract.cli` is the command line.
"""

__version__ = "0.4.0"
