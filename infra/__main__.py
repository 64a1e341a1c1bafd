"""`python -m infra …` is the same as the `qianshao` command."""

from infra.cli import main

main()
