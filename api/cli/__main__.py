"""`python -m api.cli …` is the same as the `qianshao` command."""

from api.cli.main import main

if __name__ == "__main__":  # the rule engine runs in a spawned child, which re-imports this module
    main()
