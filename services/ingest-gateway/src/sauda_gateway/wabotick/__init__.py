"""Wabotick-compatible messaging routes: the document's paths, forms and answers, on Sauda's handlers."""
