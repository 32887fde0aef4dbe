"""The versioned store: deterministic, atomic files (`files`), the catalog (`catalog`), the
series key (`series`), schema validation (`validate`) and migration between schema versions
(`migrate`)."""
