"""The in-depth diagnosis of a partnership's area: numbers, maps and the documents handed over.

``compute`` turns what PostGIS holds into numbers, ``rules`` holds the rules the document
prints, ``maps`` draws, ``view`` lays the document out once for every format, ``render``
writes HTML, PDF and DOCX, and ``documents`` records each generated file.
"""
