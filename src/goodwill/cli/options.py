"""Options and arguments that many commands share, declared once."""

from typing import Annotated

import typer

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
Who = Annotated[str, typer.Argument(metavar="WHO", help="#ID, me, an e-mail, a handle or a name.")]
