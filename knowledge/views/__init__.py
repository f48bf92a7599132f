"""Pages of problem management and the knowledge base."""
