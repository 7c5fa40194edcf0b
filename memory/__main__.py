import sys

from memory.cli import main

# Guarded: a worker process that reads photos (spawned during an import) imports this module
# again, and must not run the command a second time.
if __name__ == "__main__":
    sys.exit(main())
