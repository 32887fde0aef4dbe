"""The stages, each a module with one job, each taking and returning typed models:

  load (load / load_dump) -> text (ocr / dump_text) -> tables (tables / dump_tables)
  -> layout (layout / dump_layout) -> structure -> records -> confidence

A PDF and a text dump take sibling stages; `extract.pipeline` chooses the route once. Stages
never import the store, the review, the batch or the command line.
"""
