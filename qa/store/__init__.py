"""The store: Chroma collections (chunks, statements, canonical texts, manifest), embeddings, the lexical index."""
