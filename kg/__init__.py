"""Records -> graph -> store, and the `kg` command."""
