"""OSWorld metrics, written for this tool from the documented behaviour of OSWorld's own.

A metric is called as OSWorld calls it: `metric(result, expected, **options)`, or
`metric(result, **options)` when the task has no `expected` getter; it returns a score 0..1.
`result`/`expected` are what the getters returned (file paths, command output, rule objects);
None stands for a file that was not there and scores 0. Modules import their document
libraries (openpyxl, pandas, python-docx, python-pptx, pypdf, rapidfuzz) inside functions, so
importing this package costs nothing. The name -> function registry is in ../registry.py.
"""
