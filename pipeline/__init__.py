"""diplokg: diplomacy news -> linked, validated, queryable knowledge graph.

Stages (one module each, functions over typed values):

    ingest.read_article(path)      -> model.Article
    facts.load_facts(path, article)-> model.Facts      (curated facts)
    extract.extract(article)       -> model.Facts      (rule-based extractor)
    link.link(facts, resolver)     -> model.Facts      (Wikidata)
    mapping.to_graph(facts)        -> rdflib.Dataset   (one named graph per article)
    validate.validate(graph)       -> validate.Report  (SHACL)
    publish.publish(...)           -> files in data/published/
"""

__version__ = "0.1.0"
