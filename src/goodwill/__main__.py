"""`python -m goodwill ...` is the `goodwill` command (how `serve` starts its worker)."""

from goodwill.cli.main import run

if __name__ == "__main__":
    run()
