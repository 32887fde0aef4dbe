"""Review of what changed between two editions of a notice: the diff (`diff`) and its
markdown, HTML and JSON renderings (`render`)."""
