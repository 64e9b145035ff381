"""`python -m kg` is the `kg` command (the benchmark runs it this way in child processes)."""
from .cli import main

if __name__ == "__main__":
    main()
