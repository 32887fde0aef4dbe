"""Helpers below the stages: text normalisation, frames and coordinates, text lines from
glyphs, table grids, deterministic JSON. They import only the model, the errors and the
settings, never a stage, so that any stage may use them."""
